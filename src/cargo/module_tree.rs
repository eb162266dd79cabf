//! The files of one crate target: its root file and the modules it declares (`mod x;`, with
//! `#[path]` and inline modules), found from the root by rustc's rules. A target flag such as
//! `--lib` lints these files, not whole directories, so `src/main.rs` and its modules stay out.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// The root and every module file reachable from it that exists on disk. A file that cannot be
/// read or tokenized is kept (linting reports it) but its modules are not followed.
pub fn files_of(root: &Path) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    visit(root, true, &mut files);
    files
}

/// `owns_dir`: the file is a crate root, a `mod.rs` or loaded through `#[path]`, so its modules
/// live in its own directory; otherwise in a directory named after it.
fn visit(file: &Path, owns_dir: bool, files: &mut BTreeSet<PathBuf>) {
    let file = &lexically_normal(file);
    if !files.insert(file.clone()) {
        return;
    }
    let Ok(text) = std::fs::read_to_string(file) else { return };
    let Ok(tokens) = text.parse::<TokenStream>() else { return };
    let dir = file.parent().unwrap_or(Path::new(""));
    let modules_dir = match (owns_dir, file.file_stem()) {
        (false, Some(stem)) => dir.join(stem),
        _ => dir.to_path_buf(),
    };
    let place = Place { modules: modules_dir, path_attrs: dir.to_path_buf() };
    declared(tokens, &place, files);
}

/// Where the `mod` items of one module body resolve: `modules` for `mod x;`, `path_attrs` for
/// `#[path = "..."]` (the file's directory at top level, the module's inside an inline module).
struct Place {
    modules: PathBuf,
    path_attrs: PathBuf,
}

fn declared(tokens: TokenStream, place: &Place, files: &mut BTreeSet<PathBuf>) {
    let mut tokens = tokens.into_iter().peekable();
    let mut path_attr: Option<String> = None;
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                if let Some(TokenTree::Group(g)) = tokens.peek()
                    && g.delimiter() == Delimiter::Bracket
                {
                    if let Some(path) = path_value(g.stream()) {
                        path_attr = Some(path);
                    }
                    tokens.next();
                }
            }
            TokenTree::Ident(ident) if ident == "mod" => {
                let Some(TokenTree::Ident(name)) = tokens.next() else {
                    path_attr = None;
                    continue;
                };
                let name = name.to_string();
                let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
                match tokens.next() {
                    Some(TokenTree::Punct(p)) if p.as_char() == ';' => match path_attr.take() {
                        Some(path) => visit(&place.path_attrs.join(path), true, files),
                        None => module_file(&place.modules, &name, files),
                    },
                    Some(TokenTree::Group(body)) if body.delimiter() == Delimiter::Brace => {
                        let dir = match path_attr.take() {
                            Some(path) => place.path_attrs.join(path),
                            None => place.modules.join(&name),
                        };
                        declared(body.stream(), &Place { modules: dir.clone(), path_attrs: dir }, files);
                    }
                    _ => path_attr = None,
                }
            }
            TokenTree::Punct(p) if p.as_char() == ';' => path_attr = None,
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => path_attr = None,
            _ => {}
        }
    }
}

/// `src/b/../x.rs` -> `src/x.rs`, without touching the file system (a `#[path]` with `..`).
fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir if matches!(normal.components().next_back(), Some(Component::Normal(_))) => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// `mod name;`: `name.rs`, else `name/mod.rs`, as rustc looks for them.
fn module_file(dir: &Path, name: &str, files: &mut BTreeSet<PathBuf>) {
    let flat = dir.join(format!("{name}.rs"));
    let nested = dir.join(name).join("mod.rs");
    if flat.is_file() {
        visit(&flat, false, files);
    } else if nested.is_file() {
        visit(&nested, true, files);
    }
}

/// The literal of `path = "..."` inside an attribute's brackets.
fn path_value(attr: TokenStream) -> Option<String> {
    let mut tokens = attr.into_iter();
    match (tokens.next(), tokens.next(), tokens.next(), tokens.next()) {
        (Some(TokenTree::Ident(key)), Some(TokenTree::Punct(eq)), Some(TokenTree::Literal(value)), None)
            if key == "path" && eq.as_char() == '=' =>
        {
            let value = syn::parse_str::<syn::LitStr>(&value.to_string()).ok()?;
            Some(value.value())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn relative(dir: &Path, files: BTreeSet<PathBuf>) -> Vec<String> {
        let mut files: Vec<String> = files.iter().map(|f| f.strip_prefix(dir).unwrap().display().to_string()).collect();
        files.sort();
        files
    }

    #[test]
    fn follows_modules_by_rustc_rules() {
        let dir = tree(&[
            ("src/lib.rs", "pub mod a;\nmod b;\nmod inline { mod deep; }\n#[cfg(test)]\nmod tests;\nmod r#async;\n"),
            ("src/a.rs", "mod child;\n"),
            ("src/a/child.rs", "// a.rs is not a mod.rs: its modules are in a/\n"),
            ("src/b/mod.rs", "#[path = \"../elsewhere.rs\"]\npub(crate) mod moved;\n"),
            ("src/elsewhere.rs", "mod beside;\n"),
            ("src/beside.rs", ""),
            ("src/inline/deep.rs", ""),
            ("src/tests.rs", ""),
            ("src/async.rs", ""),
            ("src/main.rs", "mod cli;\n"),
            ("src/cli.rs", ""),
            ("src/stray.rs", ""),
        ]);
        let files = relative(dir.path(), files_of(&dir.path().join("src/lib.rs")));
        assert_eq!(
            files,
            [
                "src/a.rs",
                "src/a/child.rs",
                "src/async.rs",
                "src/b/mod.rs",
                "src/beside.rs",
                "src/elsewhere.rs",
                "src/inline/deep.rs",
                "src/lib.rs",
                "src/tests.rs"
            ]
        );
        let bin = relative(dir.path(), files_of(&dir.path().join("src/main.rs")));
        assert_eq!(bin, ["src/cli.rs", "src/main.rs"]);
    }

    #[test]
    fn look_alikes_are_not_modules() {
        let dir = tree(&[
            (
                "src/lib.rs",
                "macro_rules! m { ($n:ident) => { mod $n; } }\n// mod commented;\nconst S: &str = \"mod quoted;\";\nfn f() { let module = 1; }\nmod missing;\n",
            ),
            ("src/commented.rs", ""),
            ("src/quoted.rs", ""),
        ]);
        assert_eq!(relative(dir.path(), files_of(&dir.path().join("src/lib.rs"))), ["src/lib.rs"]);
    }

    #[test]
    fn a_file_that_does_not_tokenize_is_kept_without_its_modules() {
        let dir = tree(&[("src/lib.rs", "mod a;\n"), ("src/a.rs", "mod b;\nfn broken( {\n"), ("src/b.rs", "")]);
        assert_eq!(relative(dir.path(), files_of(&dir.path().join("src/lib.rs"))), ["src/a.rs", "src/lib.rs"]);
    }
}
