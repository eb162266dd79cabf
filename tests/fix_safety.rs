//! `--fix` keeps the user's files and the user's edits: what changed since it was read, links,
//! owners, modes, encodings and line endings survive, and nothing is left behind.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use async_lint::discover::discover;
use async_lint::fix::{self, NotWritten};
use async_lint::lint::{Linter, Selection};

const MISSING_AWAIT: &str = "import asyncio\n\nasync def g():\n    pass\n\nasync def f():\n    g()\n";
const FIXED: &str = "import asyncio\n\nasync def g():\n    pass\n\nasync def f():\n    await g()\n";

fn fix_in(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_async-lint"));
    command.current_dir(dir).args(["check", "--no-cache", "--fix", "--format", "concise"]).args(args);
    support::run(&mut command, "async-lint --fix", Duration::from_secs(300))
}

fn plan(path: &Path) -> fix::Change {
    let files = discover(&[path.to_path_buf()]).unwrap();
    let mut outcome = fix::plan(&Linter::default(), &files, &Selection::default(), &mut |_| true);
    assert_eq!(outcome.changes.len(), 1, "{:?}", outcome.skipped);
    outcome.changes.remove(0)
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("async-lint-fix"))
        .collect()
}

#[test]
fn an_edit_made_after_the_file_was_read_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.py");
    std::fs::write(&path, MISSING_AWAIT).unwrap();
    let change = plan(&path);
    let edited = format!("{MISSING_AWAIT}# the user's edit\n");
    std::fs::write(&path, &edited).unwrap();
    assert_eq!(fix::write_fixed(&change), Err(NotWritten::ChangedOnDisk));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    assert!(leftovers(dir.path()).is_empty());
    // Unchanged, it is written.
    std::fs::write(&path, MISSING_AWAIT).unwrap();
    fix::write_fixed(&change).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXED);
}

#[cfg(unix)]
#[test]
fn links_modes_and_owners_are_kept() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    // A symlink stays a symlink; its target is fixed.
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::fs::write(dir.path().join("real/target.py"), MISSING_AWAIT).unwrap();
    std::os::unix::fs::symlink("real/target.py", dir.path().join("link.py")).unwrap();
    // A hard-linked file is left alone: a rewrite would split it from its other name.
    std::fs::write(dir.path().join("hard.py"), MISSING_AWAIT).unwrap();
    std::fs::hard_link(dir.path().join("hard.py"), dir.path().join("real/other_name.txt")).unwrap();
    // Mode, owner and group survive.
    let owned = dir.path().join("owned.py");
    std::fs::write(&owned, MISSING_AWAIT).unwrap();
    std::fs::set_permissions(&owned, std::fs::Permissions::from_mode(0o640)).unwrap();
    let is_root = std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false);
    if is_root {
        std::os::unix::fs::chown(&owned, Some(4321), Some(4322)).unwrap();
    }
    // A read-only file is not rewritten, and does not stop the others.
    let read_only = dir.path().join("read_only.py");
    std::fs::write(&read_only, MISSING_AWAIT).unwrap();
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o444)).unwrap();

    let out = fix_in(dir.path(), &["link.py", "hard.py", "owned.py", "read_only.py"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(std::fs::symlink_metadata(dir.path().join("link.py")).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(dir.path().join("real/target.py")).unwrap(), FIXED);
    assert_eq!(std::fs::read_to_string(dir.path().join("hard.py")).unwrap(), MISSING_AWAIT);
    assert_eq!(std::fs::metadata(dir.path().join("hard.py")).unwrap().nlink(), 2);
    assert!(stderr.contains("hard.py: fixes not written: the file has 2 hard links"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&owned).unwrap(), FIXED);
    let meta = std::fs::metadata(&owned).unwrap();
    assert_eq!(meta.mode() & 0o777, 0o640);
    if is_root {
        assert_eq!((meta.uid(), meta.gid()), (4321, 4322));
    }
    assert_eq!(std::fs::read_to_string(&read_only).unwrap(), MISSING_AWAIT);
    assert!(stderr.contains("read_only.py: fixes not written: the file is read-only"), "{stderr}");
    // What was not fixed is still reported.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("read_only.py:7:5: missing-await") && stdout.contains("hard.py:7:5"), "{stdout}");
    assert!(!stdout.contains("owned.py"), "{stdout}");
    assert!(leftovers(dir.path()).is_empty() && leftovers(&dir.path().join("real")).is_empty());
}

#[cfg(unix)]
#[test]
fn a_planted_temporary_file_is_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    std::fs::write(dir.path().join("a.py"), MISSING_AWAIT).unwrap();
    // The name the temporary file used to have, planted as a link to another file.
    std::os::unix::fs::symlink(&victim, dir.path().join(".a.py.async-lint-fix")).unwrap();
    fix_in(dir.path(), &["a.py"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(std::fs::read_to_string(dir.path().join("a.py")).unwrap(), FIXED);
    let left: Vec<_> = leftovers(dir.path()).into_iter().filter(|p| !p.ends_with(".a.py.async-lint-fix")).collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn encodings_byte_order_marks_and_line_endings_survive() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = "import time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n";
    std::fs::write(dir.path().join("crlf.py"), crlf).unwrap();
    let bare = "async def f():\r\n    import time\r\n    time.sleep(1)\r\n";
    std::fs::write(dir.path().join("crlf_import.py"), bare).unwrap();
    std::fs::write(dir.path().join("bom.py"), format!("\u{feff}{MISSING_AWAIT}")).unwrap();
    // A lone `\r` ends a line, as CPython counts it: the fix lands on the right line.
    std::fs::write(dir.path().join("cr.py"), MISSING_AWAIT.replace('\n', "\r")).unwrap();
    // Latin-1, declared: not UTF-8, so left alone with a message.
    let mut latin =
        b"# -*- coding: latin-1 -*-\nimport asyncio\nasync def g():\n    pass\nasync def f():\n    g()  # caf".to_vec();
    latin.extend([0xe9, b'\n']);
    std::fs::write(dir.path().join("latin.py"), &latin).unwrap();

    let out = fix_in(dir.path(), &["."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    assert_eq!(
        String::from_utf8(read("crlf.py")).unwrap(),
        "import asyncio\r\nimport time\r\n\r\nasync def f():\r\n    await asyncio.sleep(1)\r\n"
    );
    let fixed = String::from_utf8(read("crlf_import.py")).unwrap();
    assert!(fixed.starts_with("import asyncio\r\nasync def f():\r\n"), "{fixed:?}");
    assert!(!fixed.replace("\r\n", "").contains('\n'), "{fixed:?}");
    assert_eq!(String::from_utf8(read("bom.py")).unwrap(), format!("\u{feff}{FIXED}"));
    assert_eq!(String::from_utf8(read("cr.py")).unwrap(), FIXED.replace('\n', "\r"));
    assert_eq!(read("latin.py"), latin);
    assert!(stderr.contains("latin.py: fixes not applied: the file is not UTF-8"), "{stderr}");
}

#[test]
fn the_human_and_concise_formats_agree_on_lone_carriage_returns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cr.py"), MISSING_AWAIT.replace('\n', "\r")).unwrap();
    let run = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_async-lint"))
            .current_dir(dir.path())
            .args(["check", "--no-cache", "--format", format, "cr.py"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run("concise").starts_with("cr.py:7:5: missing-await"), "{}", run("concise"));
    let human = run("human");
    assert!(human.contains("[cr.py:7:5]") && human.contains(" 7 │     g()"), "{human}");
}

#[test]
fn many_fixes_in_one_file_take_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let calls = 40_000;
    let mut text = String::from("async def g():\n    pass\n\nasync def f():\n");
    for _ in 0..calls {
        text.push_str("    g()\n");
    }
    std::fs::write(dir.path().join("many.py"), &text).unwrap();
    // The limit guards against a quadratic blow-up (minutes), not a slow machine.
    let out = fix_in(dir.path(), &["many.py"]);
    let fixed = std::fs::read_to_string(dir.path().join("many.py")).unwrap();
    assert_eq!(fixed.matches("await g()").count(), calls, "{}", String::from_utf8_lossy(&out.stderr));
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_fix_leaves_every_file_whole_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let count = 3000;
    for i in 0..count {
        std::fs::write(dir.path().join(format!("m{i}.py")), MISSING_AWAIT).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_async-lint"))
        .current_dir(dir.path())
        .args(["check", "--no-cache", "--fix", "."])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Interrupt once the first files are written.
    let started = std::time::Instant::now();
    while (0..count).all(|i| std::fs::read_to_string(dir.path().join(format!("m{i}.py"))).unwrap() == MISSING_AWAIT)
        && started.elapsed() < Duration::from_secs(120)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    for i in 0..count {
        let text = std::fs::read_to_string(dir.path().join(format!("m{i}.py"))).unwrap();
        assert!(text == MISSING_AWAIT || text == FIXED, "m{i}.py is half written: {text:?}");
    }
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
    // Either the interrupt came before the run finished (130) or after it (findings left: 0).
    assert!(matches!(exit.code(), Some(130 | 0)), "{exit:?}");
}
