//! What the tests fetch is prepared once, safely, when several tests or runs prepare it at once.

mod support;

use std::path::Path;
use std::process::Command;

#[test]
fn concurrent_venv_preparations_make_one_working_environment() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("venv");
    let bins: Vec<_> = std::thread::scope(|s| {
        let makers: Vec<_> = (0..3).map(|_| s.spawn(|| support::venv(&dir, &[]))).collect();
        makers.into_iter().map(|m| m.join().expect("the preparation does not panic")).collect()
    });
    assert!(bins.windows(2).all(|w| w[0] == w[1]));
    let python = bins[0].join("python");
    let out = Command::new(&python).args(["-c", "import sys; print(sys.prefix)"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(Path::new(String::from_utf8_lossy(&out.stdout).trim()), dir.canonicalize().unwrap());
}

/// Two runs of a corpus script on one empty cache both succeed and agree (the corpus tests of one
/// run call their scripts at the same time).
#[test]
fn concurrent_corpus_preparations_do_not_collide() {
    let cache = tempfile::tempdir().unwrap();
    let script = support::repo_root().join("bench/peer.sh");
    let runs: Vec<_> = (0..3)
        .map(|_| {
            Command::new("bash")
                .arg(&script)
                .env("ASYNC_LINT_CORPUS", cache.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("bash runs")
        })
        .collect();
    let outputs: Vec<_> = runs.into_iter().map(|r| r.wait_with_output().unwrap()).collect();
    for out in &outputs {
        assert!(out.status.success(), "bench/peer.sh failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(outputs.windows(2).all(|w| w[0].stdout == w[1].stdout));
    let dir = String::from_utf8_lossy(&outputs[0].stdout).split_whitespace().nth(2).unwrap().to_string();
    assert!(Path::new(&dir).is_dir(), "{dir} was prepared");
    let prepared = Path::new(&dir).parent().and_then(Path::parent).unwrap();
    let leftovers: Vec<_> = walk(prepared)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().ends_with(".tmp")))
        .collect();
    assert!(leftovers.is_empty(), "half-made preparations left behind: {leftovers:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        found.push(entry.path());
        if entry.file_type().unwrap().is_dir() {
            found.extend(walk(&entry.path()));
        }
    }
    found
}
