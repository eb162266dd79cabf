//! `docs/rules/<id>.md` are generated from the rules' metadata: this test fails when they are out
//! of date (regenerate with `BLESS=1 cargo test --test docs`), and checks that README's rules
//! table lists and links every rule.

use std::path::Path;

use async_lint::rules::RULES;

#[test]
fn rule_docs_are_generated_and_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let bless = std::env::var_os("BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut stale = Vec::new();
    for rule in RULES {
        let meta = rule.meta();
        let path = dir.join(format!("{}.md", meta.id));
        let expected = meta.markdown();
        if bless {
            std::fs::write(&path, &expected).unwrap();
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(stale.is_empty(), "out of date (rerun with BLESS=1): {stale:?}");
    let documented = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(documented, RULES.len(), "docs/rules holds a page for a rule that no longer exists");
}

#[test]
fn readme_links_every_rule() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for rule in RULES {
        let id = rule.meta().id;
        let row = format!("| [`{id}`](docs/rules/{id}.md) |");
        assert!(readme.contains(&row), "README's rules table has no linked row for {id}");
    }
}

#[test]
fn rule_links_lead_to_these_pages_in_the_repository_cargo_toml_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Value = toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
    let repository = manifest["package"]["repository"].as_str().expect("Cargo.toml names the repository");
    for rule in RULES {
        let id = rule.meta().id;
        let url = async_lint::rules::docs_url(id);
        let page = url.strip_prefix(&format!("{repository}/blob/main/")).unwrap_or_else(|| panic!("{url}"));
        assert!(root.join(page).is_file(), "{url} names no page of the repository");
    }
}
