"""tabular_io: CSV text built by Arrow equals pandas' writer; a Parquet dataset reads as the concatenation."""

import numpy as np
import pandas as pd
import pytest

from retrocohort.io.tabular import (
    _arrow_csv_text,
    float_text,
    read_parquet,
    write_csv,
    write_parquet,
    write_parquet_dataset,
)


def _mixed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": pd.array(["P1", None, "P3", "P4"], dtype="string"),
            "n": [1, 2, 3, 4],
            "k": pd.array([1, None, 3, -4], dtype="Int64"),
            "flag": [True, False, True, False],
            "maybe": pd.array([True, None, False, True], dtype="boolean"),
            "x": [38.4, np.nan, 1e-7, 100.0],
            "y": pd.array([0.1, None, -2.5, 1e20], dtype="Float64"),
            "cat": pd.Categorical(["a", None, "b", "a"]),
            "obj": pd.Series(["u", "v", None, "w"], dtype=object),
        }
    )


def _pandas_text(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_float_dtype(out[name].dtype):
            out[name] = float_text(out[name])
    return out.to_csv(index=False, lineterminator="\n")


def test_arrow_csv_text_is_pandas_text_and_floats_round_trip(tmp_path):
    frame = _mixed()
    assert _arrow_csv_text(frame) == _pandas_text(frame)
    write_csv(frame, tmp_path / "t.csv")
    text = (tmp_path / "t.csv").read_text()
    assert text.splitlines()[1] == "P1,1,1,True,True,38.4,0.1,a,u"
    back = pd.read_csv(tmp_path / "t.csv")
    np.testing.assert_array_equal(back["x"].to_numpy(), frame["x"].to_numpy())


def test_cells_needing_quotes_fall_back_to_pandas(tmp_path):
    frame = pd.DataFrame({"a": ["x,y", 'say "hi"'], "b": [1.5, 2.0]})
    assert _arrow_csv_text(frame) is None
    write_csv(frame, tmp_path / "q.csv")
    assert (tmp_path / "q.csv").read_text() == 'a,b\n"x,y",1.5\n"say ""hi""",2\n'


def test_parquet_dataset_reads_as_the_concatenation(tmp_path):
    parts = [_mixed().drop(columns=["cat", "obj"]).iloc[i : i + 2] for i in (0, 2)]
    for i, part in enumerate(parts):
        write_parquet(part.reset_index(drop=True), tmp_path / f"p{i}.parquet")
    target = tmp_path / "all.parquet"
    target.mkdir()  # an older dataset is replaced, not merged into
    (target / "part-009.parquet").write_bytes(b"stale")
    assert write_parquet_dataset([tmp_path / "p0.parquet", tmp_path / "p1.parquet"], target) == 4
    assert sorted(p.name for p in target.iterdir()) == ["part-000.parquet", "part-001.parquet"]
    expected = pd.concat(parts, ignore_index=True)
    pd.testing.assert_frame_equal(pd.read_parquet(target), expected)
    cats = read_parquet(target, categorical=["id"])
    assert isinstance(cats["id"].dtype, pd.CategoricalDtype)
    assert cats["id"].isna().tolist() == [False, True, False, False]
    assert list(cats["id"].dropna().astype(str)) == ["P1", "P3", "P4"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_parquet_dataset_keeps_the_order_of_many_files_and_replaces_an_old_single_file(tmp_path):
    paths = []
    for i in range(1001):  # part names widen to 4 digits, so they still sort in the given order
        paths.append(tmp_path / f"p{i}.parquet")
        write_parquet(pd.DataFrame({"i": [i]}), paths[-1])
    target = tmp_path / "all.parquet"
    write_parquet(pd.DataFrame({"i": [-1]}), target)  # the older format: one merged file
    assert write_parquet_dataset(paths, target) == 1001
    assert pd.read_parquet(target)["i"].tolist() == list(range(1001))


def test_parquet_dataset_refuses_different_schemas(tmp_path):
    write_parquet(pd.DataFrame({"a": [1]}), tmp_path / "p0.parquet")
    write_parquet(pd.DataFrame({"a": ["x"]}), tmp_path / "p1.parquet")
    with pytest.raises(ValueError, match="different schemas"):
        write_parquet_dataset([tmp_path / "p0.parquet", tmp_path / "p1.parquet"], tmp_path / "all.parquet")
    assert not (tmp_path / "all.parquet").exists()
