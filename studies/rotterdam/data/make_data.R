# Writes data/raw/rotterdam.csv: R's survival::rotterdam exactly as distributed (no reshaping, no
# derived column), one row per patient (2,982 women with primary breast cancer, Rotterdam tumour
# bank; `hormon` = hormonal therapy yes/no, the observational treatment compared in the study;
# rtime/recur = days to relapse or last follow-up, dtime/death = days to death or last follow-up).
# Run from studies/rotterdam:  Rscript data/make_data.R
library(survival)
write.csv(rotterdam, "data/raw/rotterdam.csv", row.names = FALSE)
cat("survival", as.character(packageVersion("survival")), ":", nrow(rotterdam), "patients\n")
