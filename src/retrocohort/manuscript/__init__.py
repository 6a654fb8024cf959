"""The manuscript text regenerated from the statistics files: a Markdown template with
``{{ key }}`` placeholders (:mod:`.template`), a namespace of every number the statistics files
hold (:mod:`.namespace`, built by :mod:`.sources_descriptive` and :mod:`.sources_tests`), the
resolved text with a traceability record (:mod:`.resolve`), a methods paragraph from the study
config (:mod:`.methods`) and deterministic Word output (:mod:`.docx_text`)."""
