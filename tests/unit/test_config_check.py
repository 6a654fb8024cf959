"""The config schema: parsed once per process, a fresh copy per caller."""


def test_the_schema_is_parsed_once_and_each_caller_gets_its_own_copy():
    """The strict parse of the schema cost 0.1 s of CPU at every config load (every job and
    test): it is cached, and a caller filling defaults into its copy never changes another's."""
    from retrocohort.config.check import SCHEMA_PATH, config_schema, read_yaml

    first = config_schema()
    first["properties"].clear()
    assert config_schema() == read_yaml(SCHEMA_PATH)
    assert config_schema() is not config_schema()
