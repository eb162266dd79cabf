//! Finds the files to lint under the paths the user gave, and where each sits in its project:
//! the crate and module path of a `.rs` file, the dotted module of a `.py` file.

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use crate::frontend::{SourceFile, Unit};
use crate::model::Language;

#[derive(Debug)]
pub struct DiscoverError(pub String);

impl std::fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn language_of(path: &Path) -> Option<Language> {
    match path.extension()?.to_str()? {
        "rs" => Some(Language::Rust),
        "py" | "pyi" | "ipynb" => Some(Language::Python),
        _ => None,
    }
}

/// Every `.rs` and `.py` file under `paths`, skipping `target/`, hidden directories and what
/// `.gitignore` ignores; a file named explicitly is always linted.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<SourceFile>, DiscoverError> {
    discover_excluding(paths, false, &mut |_| Ok(false), &mut |_| {})
}

/// Like [`discover`], leaving out the files a directory walk finds for which `excluded` says so
/// (and, with `force_exclude`, the files named explicitly), and telling `warn` about what the walk
/// could not read (a directory without permission).
pub fn discover_excluding(
    paths: &[PathBuf],
    force_exclude: bool,
    excluded: &mut dyn FnMut(&Path) -> Result<bool, String>,
    warn: &mut dyn FnMut(String),
) -> Result<Vec<SourceFile>, DiscoverError> {
    let mut found = BTreeSet::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).map_err(|e| DiscoverError(format!("{}: {}", path.display(), io_reason(&e))))?;
        if !meta.is_file() && !meta.is_dir() {
            return Err(DiscoverError(format!("{}: not a regular file", path.display())));
        }
        if meta.is_file() {
            if language_of(path).is_none() {
                return Err(DiscoverError(format!("{}: not a Rust (.rs) or Python (.py) file", path.display())));
            }
            if !(force_exclude && excluded(&clean(path)).map_err(DiscoverError)?) {
                found.insert(path.clone());
            }
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .hidden(true)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(false)
            .filter_entry(|e| !(e.depth() > 0 && is_skipped_dir(e)))
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    warn(error.to_string());
                    continue;
                }
            };
            if entry.file_type().is_some_and(|t| t.is_file()) && language_of(entry.path()).is_some() {
                let path = clean(entry.path());
                if !excluded(&path).map_err(DiscoverError)? {
                    found.insert(path);
                }
            }
        }
    }
    let mut layout = Layout::default();
    let mut packages = Packages::default();
    let mut files: Vec<SourceFile> = found
        .into_iter()
        .filter_map(|path| {
            let language = language_of(&path)?;
            let unit = match language {
                Language::Rust => layout.rust_unit(&path),
                Language::Python => python_unit(&path, &mut packages),
            };
            Some(SourceFile { path, language, unit })
        })
        .collect();
    apply_path_attributes(&mut files);
    Ok(files)
}

/// Files that a `#[path = "..."]` declaration places get the module it declares.
fn apply_path_attributes(files: &mut [SourceFile]) {
    let mut placed: HashMap<PathBuf, Unit> = HashMap::new();
    for (file, text) in declaring_paths(files) {
        for declared in crate::frontend::rust::path_modules(&text) {
            let target = absolute(&declared.file(&file.path));
            let mut module = file.unit.module.clone();
            module.extend(declared.inline.iter().cloned());
            module.push(declared.name.clone());
            placed.insert(target, Unit { root: file.unit.root.clone(), module, is_package: false });
        }
    }
    if placed.is_empty() {
        return;
    }
    for file in files.iter_mut() {
        if let Some(unit) = placed.get(&absolute(&file.path)) {
            file.unit = unit.clone();
        }
    }
}

/// The Rust files that may declare a `#[path]`, with their text. Every Rust file is read for it, on
/// as many threads as there are cores (a re-run of the Rust corpus from the cache takes 10% less).
fn declaring_paths(files: &[SourceFile]) -> Vec<(&SourceFile, String)> {
    fn scan<'f>(files: &[&'f SourceFile]) -> Vec<(&'f SourceFile, String)> {
        let read = |file: &SourceFile| std::fs::read_to_string(&file.path).ok();
        files.iter().filter_map(|&file| Some((file, read(file).filter(|text| text.contains("#[path"))?))).collect()
    }
    let rust: Vec<&SourceFile> = files.iter().filter(|f| f.language == Language::Rust).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = rust.len().div_ceil(threads).max(256);
    if rust.len() <= chunk {
        return scan(&rust);
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = rust.chunks(chunk).map(|part| scope.spawn(move || scan(part))).collect();
        let joined = workers.into_iter().map(|worker| worker.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        joined.flatten().collect()
    })
}

/// The source file for one path, whether or not it exists yet (an editor's new buffer).
pub fn source_file(path: &Path) -> Option<SourceFile> {
    let language = language_of(path)?;
    let unit = match language {
        Language::Rust => Layout::default().rust_unit(path),
        Language::Python => python_unit(path, &mut Packages::default()),
    };
    Some(SourceFile { path: path.to_path_buf(), language, unit })
}

fn is_skipped_dir(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_dir())
        && matches!(entry.file_name().to_str(), Some("target" | "__pycache__" | "node_modules"))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// `./src/x.rs` -> `src/x.rs`, as users write paths.
fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".").map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Caches which directories hold a Cargo package, and its crate name.
#[derive(Default)]
struct Layout {
    packages: HashMap<PathBuf, Option<String>>,
}

impl Layout {
    fn package_name(&mut self, dir: &Path) -> Option<String> {
        self.packages
            .entry(dir.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
                let manifest: toml::Table = text.parse().ok()?;
                let name = manifest.get("package")?.get("name")?.as_str()?;
                Some(name.replace('-', "_"))
            })
            .clone()
    }

    fn rust_unit(&mut self, path: &Path) -> Unit {
        let path_abs = absolute(path);
        let mut dir = path_abs.parent();
        while let Some(d) = dir {
            if let Some(name) = self.package_name(d) {
                if let Some(unit) = package_unit(&name, &path_abs, d) {
                    return unit;
                }
                break;
            }
            dir = d.parent();
        }
        loose_unit(path, &path_abs)
    }
}

fn segments(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// The module path of a file below a crate's root directory, by Cargo's layout rules.
fn module_below(rel: &[String]) -> Vec<String> {
    let mut module: Vec<String> = rel.to_vec();
    if let Some(last) = module.pop() {
        let last = last.strip_suffix(".rs").unwrap_or(&last).to_string();
        if last != "mod" {
            module.push(last);
        }
    }
    module
}

fn package_unit(name: &str, path: &Path, package_dir: &Path) -> Option<Unit> {
    let rel = segments(path.strip_prefix(package_dir).ok()?);
    let rel: Vec<&str> = rel.iter().map(String::as_str).collect();
    let owned = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let unit = |root: String, module: Vec<String>| Unit { root, module, is_package: false };
    match rel.as_slice() {
        ["build.rs"] => Some(unit(format!("{name}#build"), vec![])),
        ["src", "lib.rs" | "main.rs"] => Some(unit(name.into(), vec![])),
        ["src", "bin", file] if file.ends_with(".rs") => {
            Some(unit(format!("{name}#bin/{}", stem(Path::new(file))), vec![]))
        }
        ["src", "bin", bin, "main.rs"] => Some(unit(format!("{name}#bin/{bin}"), vec![])),
        ["src", "bin", bin, rest @ ..] => Some(unit(format!("{name}#bin/{bin}"), module_below(&owned(rest)))),
        ["src", rest @ ..] => Some(unit(name.into(), module_below(&owned(rest)))),
        [kind @ ("tests" | "examples" | "benches"), file] => {
            Some(unit(format!("{name}#{kind}/{}", stem(Path::new(file))), vec![]))
        }
        [kind @ ("tests" | "examples" | "benches"), target, "main.rs"] => {
            Some(unit(format!("{name}#{kind}/{target}"), vec![]))
        }
        [kind @ ("tests" | "examples" | "benches"), target, rest @ ..] => {
            Some(unit(format!("{name}#{kind}/{target}"), module_below(&owned(rest))))
        }
        _ => None,
    }
}

/// A file outside any Cargo package's targets: the nearest enclosing directory with a `main.rs` or
/// `lib.rs` is its crate root; otherwise the file is a crate of its own.
fn loose_unit(path: &Path, path_abs: &Path) -> Unit {
    let mut dir = path_abs.parent();
    while let Some(d) = dir {
        if d.join("Cargo.toml").exists() {
            break;
        }
        if d.join("main.rs").is_file() || d.join("lib.rs").is_file() {
            let rel = segments(path_abs.strip_prefix(d).unwrap_or(path_abs));
            let module = if matches!(rel.as_slice(), [f] if f == "main.rs" || f == "lib.rs") {
                Vec::new()
            } else {
                module_below(&rel)
            };
            return Unit { root: d.display().to_string(), module, is_package: false };
        }
        dir = d.parent();
    }
    Unit { root: path.with_extension("").display().to_string(), module: Vec::new(), is_package: false }
}

/// The dotted module of a Python file: its package chain (directories with `__init__.py`) and stem.
fn python_unit(path: &Path, packages: &mut Packages) -> Unit {
    let abs = absolute(path);
    let is_package = abs.file_name().is_some_and(|n| n == "__init__.py" || n == "__init__.pyi");
    let mut module = abs.parent().map(|dir| packages.chain(dir)).unwrap_or_default();
    if !is_package {
        module.push(stem(&abs));
    }
    Unit { root: String::new(), module, is_package }
}

/// The package chain of every directory asked about, so that each directory is looked at once.
#[derive(Default)]
struct Packages(HashMap<PathBuf, Vec<String>>);

impl Packages {
    /// The names of the packages from the outermost down to `dir` (empty when `dir` is no package).
    fn chain(&mut self, dir: &Path) -> Vec<String> {
        if let Some(chain) = self.0.get(dir) {
            return chain.clone();
        }
        let mut chain = Vec::new();
        if dir.join("__init__.py").is_file() || dir.join("__init__.pyi").is_file() {
            chain = dir.parent().map(|parent| self.chain(parent)).unwrap_or_default();
            if let Some(name) = dir.file_name() {
                chain.push(name.to_string_lossy().into_owned());
            }
        }
        self.0.insert(dir.to_path_buf(), chain.clone());
        chain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn path_attributes_are_found_among_many_files() {
        // Enough files to be read on several threads; the declaring files are first and last.
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("impls")).unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"many\"\n").unwrap();
        std::fs::write(src.join("aaa.rs"), "#[path = \"impls/first.rs\"] mod first;\n").unwrap();
        for i in 0..600 {
            std::fs::write(src.join(format!("m{i:03}.rs")), "fn f() {}\n").unwrap();
        }
        std::fs::write(src.join("zzz.rs"), "#[path = \"impls/last.rs\"] mod last;\n").unwrap();
        for name in ["first", "last"] {
            std::fs::write(src.join(format!("impls/{name}.rs")), "fn g() {}\n").unwrap();
        }
        let files = discover(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(files.len(), 604);
        let module = |name: &str| {
            let file = files.iter().find(|f| f.path.ends_with(format!("impls/{name}.rs"))).unwrap();
            file.unit.module.join("::")
        };
        assert_eq!((module("first"), module("last")), ("aaa::first".to_string(), "zzz::last".to_string()));
    }

    #[test]
    fn path_attributes_place_files_relative_to_the_declaring_file() {
        let text = "#[path = \"impls/fast.rs\"] mod fast;\nmod outer { #[path = \"x.rs\"] mod inner; }";
        let found = crate::frontend::rust::path_modules(text);
        let files: Vec<PathBuf> = found.iter().map(|m| m.file(Path::new("/p/src/lib.rs"))).collect();
        assert_eq!(files, vec![PathBuf::from("/p/src/impls/fast.rs"), PathBuf::from("/p/src/outer/x.rs")]);
        assert_eq!(found[1].file(Path::new("/p/src/net.rs")), PathBuf::from("/p/src/net/outer/x.rs"));
    }

    #[test]
    fn python_modules_follow_the_package_chain() {
        let dir = tempfile::tempdir().unwrap();
        for file in
            ["pkg/__init__.py", "pkg/sub/__init__.pyi", "pkg/sub/a.py", "pkg/sub/b.py", "pkg/plain/c.py", "d.py"]
        {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let files = discover(&[dir.path().to_path_buf()]).unwrap();
        let module = |name: &str| {
            let file = files.iter().find(|f| f.path.ends_with(name)).unwrap();
            (file.unit.module.join("."), file.unit.is_package)
        };
        assert_eq!(module("pkg/__init__.py"), ("pkg".to_string(), true));
        assert_eq!(module("pkg/sub/__init__.pyi"), ("pkg.sub".to_string(), true));
        assert_eq!(module("pkg/sub/a.py"), ("pkg.sub.a".to_string(), false));
        assert_eq!(module("pkg/sub/b.py"), ("pkg.sub.b".to_string(), false));
        // A directory without `__init__` ends the chain, even inside a package.
        assert_eq!(module("pkg/plain/c.py"), ("c".to_string(), false));
        assert_eq!(module("d.py"), ("d".to_string(), false));
    }

    #[test]
    fn cargo_layout_gives_module_paths() {
        let pkg = Path::new("/p");
        let unit = |p: &str| package_unit("app", Path::new(p), pkg).unwrap();
        assert_eq!(unit("/p/src/lib.rs").module, Vec::<String>::new());
        assert_eq!(unit("/p/src/util.rs").module, owned(&["util"]));
        assert_eq!(unit("/p/src/net/mod.rs").module, owned(&["net"]));
        assert_eq!(unit("/p/src/net/tcp.rs").module, owned(&["net", "tcp"]));
        assert_eq!(unit("/p/src/util.rs").root, "app");
        assert_eq!(unit("/p/tests/it.rs").root, "app#tests/it");
        assert_eq!(unit("/p/src/bin/tool.rs").root, "app#bin/tool");
        assert!(package_unit("app", Path::new("/p/other/x.rs"), pkg).is_none());
    }
}
