#!/usr/bin/env Rscript
# Export the Mayo Clinic primary biliary cholangitis (PBC) data of the R package `survival`
# (LGPL >= 2; data: Therneau & Grambsch 2000, appendix D; Fleming & Harrington 1991,
# appendix D; Dickson ER et al. Hepatology 1989;10:1-7) to the raw files of studies/pbc.
#
# Usage (from the repository root; rewrites the two files byte-identically with the same
# version of `survival`, which the script prints; committed files: survival 3.5-3):
#   Rscript scripts/export_pbc.R [out_dir]     # default out_dir: studies/pbc/data/raw
#
# Writes:
#   pbc_patients.csv      survival::pbc, one row per patient (418: 312 randomised + 106 not),
#                         the 20 columns as R holds them (R's `alk.phos` kept as `alk.phos`).
#   pbcseq_labs_long.csv  survival::pbcseq (1945 visits of the 312 randomised patients), the
#                         six laboratory tests measured at each visit, one row per
#                         (id, day, variable) with a non-missing value, and its unit.
# Units are those of R's documentation (?pbc, ?pbcseq); where the documentation gives none or
# contradicts itself, the choice is written next to the unit below and in studies/pbc/README.md.

suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args) >= 1) args[[1]] else file.path("studies", "pbc", "data", "raw")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

# Plain, locale-independent CSV: "," separator, "." decimal mark, LF line ends, empty cell for
# NA, no quotes unless needed (no field here needs them), up to 15 significant digits.
write_plain_csv <- function(frame, path) {
  con <- file(path, open = "wb")
  on.exit(close(con))
  write.table(frame, con, sep = ",", dec = ".", quote = FALSE, row.names = FALSE, na = "", eol = "\n")
}

patient_columns <- c("id", "time", "status", "trt", "age", "sex", "ascites", "hepato", "spiders",
                     "edema", "bili", "chol", "albumin", "copper", "alk.phos", "ast", "trig",
                     "platelet", "protime", "stage")
patients <- survival::pbc[order(survival::pbc$id), patient_columns]
patients$sex <- as.character(patients$sex)
write_plain_csv(patients, file.path(out_dir, "pbc_patients.csv"))

# Repeated laboratory tests of pbcseq and their units as R documents them:
#   bili      "serum bilirunbin (mg/dl)"
#   albumin   ?pbc: "serum albumin (g/dl)"; ?pbcseq says "(mg/dl)", which the values
#             (about 2-5) contradict; g/dL kept, as in ?pbc.
#   alk.phos  "alkaline phosphotase (U/liter)"
#   ast       "aspartate aminotransferase, once called SGOT (U/ml)": kept as documented
#             (the values, about 25-460, are plausible only as U/L; not relabelled here).
#   platelet  "platelet count", no unit given; the values (about 60-720) are counts in
#             thousands per mm3 (10^3/mm3 = G/L), the usual clinical unit: an interpretation.
#   protime   "standardised blood clotting time": prothrombin time in seconds.
lab_units <- c(bili = "mg/dL", albumin = "g/dL", alk.phos = "U/L", ast = "U/mL",
               platelet = "10^3/mm3", protime = "s")
seq <- survival::pbcseq[order(survival::pbcseq$id, survival::pbcseq$day), ]
long <- do.call(rbind, lapply(names(lab_units), function(variable) {
  data.frame(id = seq$id, day = seq$day, variable = variable, value = seq[[variable]],
             unit = unname(lab_units[[variable]]), stringsAsFactors = FALSE)
}))
long <- long[!is.na(long$value), ]
long <- long[order(long$id, long$day, match(long$variable, names(lab_units))), ]
write_plain_csv(long, file.path(out_dir, "pbcseq_labs_long.csv"))

cat(sprintf("survival %s: %d patients, %d visits -> %d lab rows in %s\n",
            as.character(packageVersion("survival")), nrow(patients), nrow(seq), nrow(long), out_dir))
