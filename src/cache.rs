//! The summary cache: each file's lowered [`FileModel`], keyed by a hash of its text, its place in
//! the project ([`Unit`]) and its language, so that an unchanged file is not parsed again.
//!
//! Findings depend on the whole project (transitive facts through other files), so per-file
//! summaries are cached, and the findings of the last run are kept too: when no file, no rule
//! selection and nothing in the fingerprint changed, they are reused without linking again.
//! The whole cache is invalidated by a fingerprint of the linter's build and its knowledge (the
//! embedded knowledge base and what configurations add), the only inputs of lowering besides the
//! file itself.
//!
//! On disk (`.async-lint-cache/summaries.bin` by default): a magic number, the fingerprint, a
//! postcard index of `(path, key, offset, length, checksum)` and the concatenated postcard
//! encodings of the models, which are decoded lazily and in parallel when a file's key matches.
//! An entry whose range lies outside the file or whose bytes fail their checksum is a miss; the
//! entries of files that no longer exist are dropped when the cache is written. A cache that
//! cannot be read is ignored; one that cannot be written costs a warning, never the run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};

use rustc_hash::FxHashSet;
use xxhash_rust::xxh3::Xxh3;

use crate::diagnostic::{Diagnostic, Fix, Severity, Step};
use crate::frontend::SourceFile;
use crate::model::{FileModel, Language};

/// Changes whenever the layout of the file or of the model changes.
const MAGIC: &[u8; 8] = b"ALCACHE2";
const FILE_NAME: &str = "summaries.bin";
/// The findings of the last run, reused when no input changed.
const FINDINGS_FILE: &str = "findings.bin";
/// The directory used when none is given, relative to the working directory.
pub const DEFAULT_DIR: &str = ".async-lint-cache";

/// The cache key of one file's summary.
pub fn key(file: &SourceFile, text: &str) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&[match file.language {
        Language::Rust => 0,
        Language::Python => 1,
    }]);
    for part in std::iter::once(&file.unit.root).chain(&file.unit.module) {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.update(&[u8::from(file.unit.is_package)]);
    hasher.update(&(text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
    hasher.digest()
}

/// A hash of the run's project roots (none known: 0), to combine with [`key`]: what a frontend
/// leaves out of a summary depends on them.
pub fn roots_key(roots: Option<&FxHashSet<&str>>) -> u64 {
    let Some(roots) = roots else { return 0 };
    let mut sorted: Vec<&str> = roots.iter().copied().collect();
    sorted.sort_unstable();
    let mut hasher = Xxh3::new();
    for root in sorted {
        hasher.update(&(root.len() as u64).to_le_bytes());
        hasher.update(root.as_bytes());
    }
    hasher.digest() | 1
}

/// What the file system says of a file, with its place in the project: a run whose files all keep
/// their stamps reuses the last run's findings without reading them. Any write changes the
/// change time (which no user can set) and the modification time, both to the nanosecond.
pub fn stamp(file: &SourceFile) -> Option<u64> {
    let meta = std::fs::metadata(&file.path).ok()?;
    let mut hasher = Xxh3::new();
    hasher.update(&key(file, "").to_le_bytes());
    hasher.update(&meta.len().to_le_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        for part in [
            meta.dev(),
            meta.ino(),
            meta.mtime() as u64,
            meta.mtime_nsec() as u64,
            meta.ctime() as u64,
            meta.ctime_nsec() as u64,
        ] {
            hasher.update(&part.to_le_bytes());
        }
    }
    #[cfg(not(unix))]
    {
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        hasher.update(&modified.as_nanos().to_le_bytes());
    }
    Some(hasher.digest())
}

/// A fingerprint of everything besides the file that lowering depends on.
pub fn fingerprint(parts: &[&[u8]]) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(MAGIC);
    // The build itself: a rebuilt linter may lower differently under the same version number.
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        hasher.update(&meta.len().to_le_bytes());
        if let Ok(modified) = meta.modified().map(|m| m.duration_since(std::time::UNIX_EPOCH).unwrap_or_default()) {
            hasher.update(&modified.as_nanos().to_le_bytes());
        }
    }
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.digest()
}

#[derive(serde::Serialize, serde::Deserialize)]
struct IndexEntry {
    path: PathBuf,
    key: u64,
    offset: u64,
    len: u64,
    /// Of the entry's bytes, checked before they are decoded.
    checksum: u64,
}

fn checksum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Writes `bytes` to `file` through a new temporary file in the same directory (never a
/// predictable name another user could plant a link at), renamed over it.
fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new().prefix(".async-lint-").tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.persist(file).map(drop).map_err(|e| e.error)
}

/// How a run used the cache.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub hits: usize,
    pub misses: usize,
    /// The last run's findings were reused: nothing was linked or checked again.
    pub reused: bool,
}

/// A run's inputs: the fingerprint, the rules selected, and every file with its key (or the error
/// that reading it gave). An unchanged run has the same findings as last time.
pub fn run_key(fingerprint: u64, selection: &[&str], files: &[(&Path, Result<u64, &str>)]) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&fingerprint.to_le_bytes());
    for part in selection {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    for (path, key) in files {
        let path = path.to_string_lossy();
        hasher.update(&(path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        match key {
            Ok(key) => hasher.update(&key.to_le_bytes()),
            Err(reason) => hasher.update(reason.as_bytes()),
        }
    }
    hasher.digest()
}

/// The summaries of one run: those read from the disk or kept in memory, and those made anew.
pub struct Cache {
    /// Where the cache is stored; `None` keeps it in memory only (the language server).
    file: Option<PathBuf>,
    fingerprint: u64,
    /// The stored summaries, read when first asked for (a run that reuses its findings needs none).
    stored: OnceLock<Stored>,
    /// Why the stored summaries were ignored.
    warnings: Mutex<Vec<String>>,
    /// Summaries made (or, in memory, kept) since: path -> (key, encoding).
    fresh: RwLock<HashMap<PathBuf, (u64, Vec<u8>)>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
    /// The findings of the last run as stored (run key, encoding), and those of this run.
    findings: Option<(u64, Vec<u8>)>,
    fresh_findings: RwLock<Option<(u64, Vec<u8>)>>,
    reused: std::sync::atomic::AtomicBool,
}

/// The summaries stored on disk: path -> (key, range in `data`), each range inside `data` and
/// with bytes that passed their checksum.
#[derive(Default)]
struct Stored {
    index: HashMap<PathBuf, (u64, std::ops::Range<usize>)>,
    data: Vec<u8>,
}

/// An entry's range in a file of `total` bytes whose body starts at `start`, if it lies inside.
fn entry_range(start: usize, offset: u64, len: u64, total: usize) -> Option<std::ops::Range<usize>> {
    let from = start.checked_add(usize::try_from(offset).ok()?)?;
    let to = from.checked_add(usize::try_from(len).ok()?)?;
    (to <= total).then_some(from..to)
}

impl Cache {
    /// The cache in `dir`, empty when it does not exist, cannot be read or was made by another
    /// build or knowledge ([`Cache::warnings`] tells about unreadable caches).
    pub fn open(dir: &Path, fingerprint: u64) -> Cache {
        let mut cache = Cache::in_memory(fingerprint);
        cache.file = Some(dir.join(FILE_NAME));
        if let Ok(bytes) = std::fs::read(dir.join(FINDINGS_FILE)) {
            let header = |at: usize| bytes.get(at..at + 8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes);
            if bytes.get(..8) == Some(MAGIC.as_slice())
                && header(8) == Some(fingerprint)
                && let (Some(run), Some(sum)) = (header(16), header(24))
                && checksum(&bytes[32..]) == sum
            {
                cache.findings = Some((run, bytes[32..].to_vec()));
            }
        }
        cache
    }

    /// The findings stored for a run with this key: every file counts as taken from the cache.
    pub fn findings(&self, run: u64, files: usize) -> Option<Vec<Diagnostic>> {
        let (stored, bytes) = self.findings.as_ref()?;
        let stored: Vec<StoredDiagnostic> = (*stored == run).then(|| postcard::from_bytes(bytes).ok()).flatten()?;
        // A rule this build does not have (the fingerprint should have caught it): not reused.
        let found = stored.into_iter().map(StoredDiagnostic::into_diagnostic).collect::<Option<Vec<_>>>()?;
        self.hits.fetch_add(files, Ordering::Relaxed);
        self.reused.store(true, Ordering::Relaxed);
        Some(found)
    }

    pub fn put_findings(&self, run: u64, findings: &[Diagnostic]) {
        if self.findings.as_ref().is_some_and(|(stored, _)| *stored == run) {
            return;
        }
        let Ok(bytes) = postcard::to_stdvec(findings) else { return };
        *self.fresh_findings.write().unwrap_or_else(|e| e.into_inner()) = Some((run, bytes));
    }

    /// The stored summaries, read from the disk the first time.
    fn stored(&self) -> &Stored {
        self.stored.get_or_init(|| {
            let Some(file) = &self.file else { return Stored::default() };
            let warn = |w: String| self.warnings.lock().unwrap_or_else(|e| e.into_inner()).push(w);
            match std::fs::read(file) {
                Ok(bytes) => match parse(&bytes, self.fingerprint) {
                    Ok(Some((index, start))) => {
                        let index = index
                            .into_iter()
                            .filter_map(|e| {
                                let range = entry_range(start, e.offset, e.len, bytes.len())?;
                                (checksum(&bytes[range.clone()]) == e.checksum).then_some((e.path, (e.key, range)))
                            })
                            .collect();
                        return Stored { index, data: bytes };
                    }
                    Ok(None) => {}
                    Err(reason) => warn(format!("{}: ignoring the cache: {reason}", file.display())),
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => warn(format!("{}: ignoring the cache: {e}", file.display())),
            }
            Stored::default()
        })
    }

    /// Why stored summaries were ignored, so far.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A cache that lives as long as the value (the language server keeps one per project).
    pub fn in_memory(fingerprint: u64) -> Cache {
        Cache {
            file: None,
            fingerprint,
            stored: OnceLock::new(),
            warnings: Mutex::new(Vec::new()),
            fresh: RwLock::new(HashMap::new()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            findings: None,
            fresh_findings: RwLock::new(None),
            reused: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The summary of `path` when its key matches (counted as a hit), else `None` (a miss).
    pub fn get(&self, path: &Path, key: u64) -> Option<FileModel> {
        let fresh = self.fresh.read().unwrap_or_else(|e| e.into_inner());
        let found = match fresh.get(path) {
            Some((k, bytes)) if *k == key => postcard::from_bytes(bytes).ok(),
            Some(_) => None,
            None => {
                drop(fresh);
                let stored = self.stored();
                match stored.index.get(path) {
                    Some((k, range)) if *k == key => postcard::from_bytes(&stored.data[range.clone()]).ok(),
                    _ => None,
                }
            }
        };
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Records the summary of `path` made from the text with `key`.
    pub fn put(&self, path: &Path, key: u64, model: &FileModel) {
        let Ok(bytes) = postcard::to_stdvec(model) else { return };
        let mut fresh = self.fresh.write().unwrap_or_else(|e| e.into_inner());
        fresh.insert(path.to_path_buf(), (key, bytes));
    }

    pub fn stats(&self) -> Stats {
        Stats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            reused: self.reused.load(Ordering::Relaxed),
        }
    }

    /// Writes the cache back (atomically) when anything was added; the summaries of files this run
    /// did not see are kept while the files exist.
    pub fn save(&self) -> Result<(), String> {
        let Some(file) = &self.file else { return Ok(()) };
        self.save_findings(file)?;
        let fresh = self.fresh.read().unwrap_or_else(|e| e.into_inner());
        if fresh.is_empty() {
            return Ok(());
        }
        let mut index = Vec::new();
        let mut body = Vec::new();
        let mut push = |path: &Path, key: u64, bytes: &[u8]| {
            index.push(IndexEntry {
                path: path.to_path_buf(),
                key,
                offset: body.len() as u64,
                len: bytes.len() as u64,
                checksum: checksum(bytes),
            });
            body.extend_from_slice(bytes);
        };
        let stored = self.stored();
        for (path, (key, range)) in &stored.index {
            if !fresh.contains_key(path) && path.exists() {
                push(path, *key, &stored.data[range.clone()]);
            }
        }
        for (path, (key, bytes)) in fresh.iter() {
            push(path, *key, bytes);
        }
        let index = postcard::to_stdvec(&index).map_err(|e| e.to_string())?;
        let mut out = Vec::with_capacity(24 + index.len() + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.fingerprint.to_le_bytes());
        out.extend_from_slice(&(index.len() as u64).to_le_bytes());
        out.extend_from_slice(&index);
        out.extend_from_slice(&body);
        let dir = file.parent().unwrap_or(Path::new("."));
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(dir)?;
            let ignore = dir.join(".gitignore");
            if !ignore.exists() {
                std::fs::write(&ignore, "# Created by async-lint.\n*\n")?;
            }
            write_atomically(file, &out)
        };
        write().map_err(|e| format!("{}: cannot write the cache: {e}", file.display()))
    }
}

impl Cache {
    fn save_findings(&self, summaries: &Path) -> Result<(), String> {
        let fresh = self.fresh_findings.read().unwrap_or_else(|e| e.into_inner());
        let Some((run, bytes)) = fresh.as_ref() else { return Ok(()) };
        let dir = summaries.parent().unwrap_or(Path::new("."));
        let file = dir.join(FINDINGS_FILE);
        let mut out = Vec::with_capacity(32 + bytes.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.fingerprint.to_le_bytes());
        out.extend_from_slice(&run.to_le_bytes());
        out.extend_from_slice(&checksum(bytes).to_le_bytes());
        out.extend_from_slice(bytes);
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(dir)?;
            write_atomically(&file, &out)
        };
        write().map_err(|e| format!("{}: cannot write the cache: {e}", file.display()))
    }
}

/// The index of a cache file and where its body starts; `None` when it belongs to another
/// fingerprint.
fn parse(bytes: &[u8], fingerprint: u64) -> Result<Option<(Vec<IndexEntry>, usize)>, String> {
    let header = |at: usize| -> Option<u64> { Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?)) };
    if bytes.get(..8) != Some(MAGIC.as_slice()) {
        return Err("not an async-lint cache of this version".into());
    }
    if header(8) != Some(fingerprint) {
        return Ok(None);
    }
    let len = usize::try_from(header(16).ok_or("truncated")?).map_err(|_| "truncated")?;
    let end = 24usize.checked_add(len).ok_or("truncated")?;
    let index = bytes.get(24..end).ok_or("truncated")?;
    let index: Vec<IndexEntry> = postcard::from_bytes(index).map_err(|e| e.to_string())?;
    Ok(Some((index, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(entries: &[IndexEntry], body: &[u8], fingerprint: u64) -> Vec<u8> {
        let index = postcard::to_stdvec(entries).unwrap();
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&fingerprint.to_le_bytes());
        out.extend_from_slice(&(index.len() as u64).to_le_bytes());
        out.extend_from_slice(&index);
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn entries_outside_the_file_or_failing_their_checksum_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let model = FileModel::new(PathBuf::from("a.rs"), Language::Rust);
        let body = postcard::to_stdvec(&model).unwrap();
        let entry = |path: &str, offset: u64, len: u64, sum: u64| IndexEntry {
            path: PathBuf::from(path),
            key: 7,
            offset,
            len,
            checksum: sum,
        };
        let entries = [
            entry("good.rs", 0, body.len() as u64, checksum(&body)),
            entry("overflow.rs", u64::MAX, 2, checksum(&body)),
            entry("past_the_end.rs", 1, body.len() as u64, checksum(&body)),
            entry("bad_sum.rs", 0, body.len() as u64, checksum(&body) ^ 1),
        ];
        std::fs::write(dir.path().join(FILE_NAME), file_with(&entries, &body, 42)).unwrap();
        let cache = Cache::open(dir.path(), 42);
        assert!(cache.get(Path::new("good.rs"), 7).is_some());
        for path in ["overflow.rs", "past_the_end.rs", "bad_sum.rs"] {
            assert!(cache.get(Path::new(path), 7).is_none(), "{path}");
        }
        let index = [entry("x.rs", 0, 1, 0)];
        let mut huge = file_with(&index, &body, 42);
        huge[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
        std::fs::write(dir.path().join(FILE_NAME), huge).unwrap();
        let cache = Cache::open(dir.path(), 42);
        assert!(cache.get(Path::new("x.rs"), 7).is_none());
        assert!(cache.warnings().iter().any(|w| w.contains("truncated")), "{:?}", cache.warnings());
    }
}

/// A finding as stored: its rule id is looked up among this build's rules when read back.
#[derive(serde::Deserialize)]
struct StoredDiagnostic {
    rule: String,
    path: PathBuf,
    span: crate::model::Span,
    severity: Severity,
    message: String,
    help: Option<String>,
    via: Vec<Step>,
    fix: Option<Fix>,
    function: String,
    in_test: bool,
    cell: Option<crate::model::Cell>,
}

impl StoredDiagnostic {
    fn into_diagnostic(self) -> Option<Diagnostic> {
        let rule = crate::rules::id_named(&self.rule)?;
        let StoredDiagnostic { path, span, severity, message, help, via, fix, function, in_test, cell, .. } = self;
        Some(Diagnostic { rule, path, span, severity, message, help, via, fix, function, in_test, cell })
    }
}
