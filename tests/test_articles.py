"""Reading article files: headers, titles, ids, duplicates and bad input."""
from __future__ import annotations

from conflictmap import articles
from conflictmap.articles import content_id, load_articles, parse_header


def write(folder, name, data):
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_header_block_fields_are_read_and_unknown_keys_kept(tmp_path):
    write(tmp_path, "a.txt", "---\ntitle: Rebels seize Saraqib\noutlet: Example News\nurl: https://example.org/a\n"
                             "published: 2024-11-29\nauthor: J. Doe\n---\nRebels seized Saraqib on Friday.\n")
    (article,), problems = load_articles([tmp_path])
    assert (article.title, article.outlet, article.url, article.published) == (
        "Rebels seize Saraqib", "Example News", "https://example.org/a", "2024-11-29")
    assert dict(article.meta) == {"author": "J. Doe"}
    assert article.text[article.body_start:].startswith("Rebels seized")
    assert problems == []


def test_every_header_key_is_optional(tmp_path):
    write(tmp_path, "a.txt", "---\noutlet: X\n---\nBody text here.\n")
    (article,), _ = load_articles([tmp_path])
    assert article.outlet == "X" and article.title == "" and article.published == ""


def test_a_short_first_line_is_the_title_when_there_is_no_header(tmp_path):
    write(tmp_path, "a.txt", "Rebels Regain Ground in Aleppo\n\nThe rebels entered the city on Friday.\n")
    write(tmp_path, "b.txt", "The rebels entered the city on Friday, according to the monitor, in a long first "
                             "sentence that is not a headline at all.\nMore text.\n")
    loaded, _ = load_articles([tmp_path])
    titles = {a.name: a.title for a in loaded}
    assert titles == {"a.txt": "Rebels Regain Ground in Aleppo", "b.txt": ""}


def test_renamed_copies_are_one_article_and_the_duplicate_is_reported(tmp_path):
    write(tmp_path, "a.txt", "Same text.\n")
    write(tmp_path, "copy of a.md", "Same text.\r\n")
    loaded, problems = load_articles([tmp_path])
    assert len(loaded) == 1
    assert any("duplicate" in p.message for p in problems)
    assert loaded[0].id == content_id("Same text.")


def test_folders_are_read_recursively_and_only_txt_and_md(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "a.md", "One.\n")
    write(tmp_path, "b.txt", "Two.\n")
    write(tmp_path, "c.json", "{}")
    loaded, _ = load_articles([tmp_path])
    assert sorted(a.name for a in loaded) == ["a.md", "b.txt"]


def test_bad_files_are_reported_by_name_and_the_rest_is_read(tmp_path):
    write(tmp_path, "empty.txt", "")
    write(tmp_path, "binary.txt", b"\x89PNG\x00\x00\x01")
    write(tmp_path, "good.txt", "Rebels took the town.\n")
    loaded, problems = load_articles([tmp_path, tmp_path / "missing.txt"])
    assert [a.name for a in loaded] == ["good.txt"]
    messages = {p.path.rsplit("/", 1)[-1]: p.message for p in problems}
    assert "empty" in messages["empty.txt"]
    assert "binary" in messages["binary.txt"]
    assert "no such file" in messages["missing.txt"]


def test_non_utf8_text_is_decoded_and_noted(tmp_path):
    write(tmp_path, "latin.txt", "Les rebelles ont pris Alep, a déclaré l'Observatoire syrien.".encode("cp1252"))
    write(tmp_path, "arabic.txt", "سيطرت الفصائل على مدينة حلب".encode("cp1256"))
    loaded, problems = load_articles([tmp_path])
    texts = {a.name: a.text for a in loaded}
    assert "حلب" in texts["arabic.txt"]
    assert "rebelles" in texts["latin.txt"]
    assert {p.path.rsplit("/", 1)[-1] for p in problems if not p.fatal} == {"latin.txt", "arabic.txt"}


def test_huge_files_are_refused_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr(articles, "MAX_BYTES", 100)
    write(tmp_path, "huge.txt", "x" * 101)
    loaded, problems = load_articles([tmp_path])
    assert loaded == [] and "too large" in problems[0].message


def test_malformed_headers_are_reported_and_the_file_still_read(tmp_path):
    write(tmp_path, "open.txt", "---\ntitle: never closed\nRebels took Saraqib.\n")
    write(tmp_path, "date.txt", "---\npublished: last Tuesday\n---\nRebels took Saraqib.\n")
    loaded, problems = load_articles([tmp_path])
    assert len(loaded) == 2
    assert {p.path.rsplit("/", 1)[-1] for p in problems} == {"open.txt", "date.txt"}


def test_header_parser_returns_body_offset():
    fields, start, problem = parse_header("---\ntitle: T\n---\nBody")
    assert fields == {"title": "T"} and "---\ntitle: T\n---\nBody"[start:] == "Body" and problem == ""


def test_a_folders_readme_is_skipped_with_a_notice_unless_named(tmp_path):
    write(tmp_path, "README.md", "# My corpus\n\nArticles on the siege of Saraqib.\n")
    write(tmp_path, "a.txt", "Rebels captured Saraqib.\n")
    loaded, problems = load_articles([tmp_path])
    assert [a.name for a in loaded] == ["a.txt"]
    assert [(p.path.endswith("README.md"), p.fatal) for p in problems] == [(True, False)]
    loaded, _ = load_articles([tmp_path / "README.md"])
    assert [a.name for a in loaded] == ["README.md"]


def test_a_link_to_a_folder_is_not_followed_so_a_link_back_up_cannot_loop(tmp_path):
    folder = tmp_path / "articles"
    (folder / "inner").mkdir(parents=True)
    (folder / "inner" / "a.txt").write_text("Rebels captured Saraqib on Friday.\n", encoding="utf-8")
    (folder / "self").symlink_to(folder, target_is_directory=True)
    (folder / "inner" / "up").symlink_to(tmp_path, target_is_directory=True)
    found, problems = load_articles([folder])
    assert [a.path for a in found] == [str(folder / "inner" / "a.txt")] and not problems
