//! Commands that write to standard output end quietly when the reader has gone (`| head -1`).

use std::process::{Command, Stdio};

/// Runs the binary with its standard output on a pipe whose reading end is already closed.
fn run_into_closed_pipe(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_async-lint"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let blocking = "import time\nasync def f():\n    time.sleep(1)\n";
    std::fs::write(dir.path().join("a.py"), blocking).unwrap();
    let cases: &[(&[&str], i32)] = &[
        (&["rules"], 0),
        (&["rule", "blocking-io"], 0),
        (&["config", "."], 0),
        (&["check", "--no-cache", "--diff", "."], 1),
        (&["check", "--no-cache", "."], 1),
        (&["check", "--no-cache", "--format", "json", "."], 1),
        (&["check", "--no-cache", "--format", "concise", "."], 1),
    ];
    for (args, code) in cases {
        let (status, stderr) = run_into_closed_pipe(dir.path(), args);
        assert_eq!(status, Some(*code), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}
