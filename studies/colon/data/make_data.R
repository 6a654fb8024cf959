# Writes data/raw/colon.csv: R's survival::colon exactly as distributed (no reshaping, no derived
# column), one row per patient and event type (etype 1 = recurrence, 2 = death; `time` = days
# from registration to the event or to censoring, `status` 1 = event, 0 = censored).
# Run from studies/colon:  Rscript data/make_data.R
library(survival)
write.csv(colon, "data/raw/colon.csv", row.names = FALSE)
cat("survival", as.character(packageVersion("survival")), ":", nrow(colon), "rows,",
    length(unique(colon$id)), "patients\n")
