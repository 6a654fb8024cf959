"""The report: one study's audit assembled and rendered (see :mod:`retrocohort.audit`).

``study_audit`` joins checks and regeneration into JSON-ready data, ``summary_sentences`` and
``referee`` say it in sentences, ``method_examples`` reruns the methods' worked examples,
``report`` renders Markdown, HTML and CSV, ``batch`` is the engine of ``retrocohort audit``.
"""
