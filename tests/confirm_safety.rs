//! `confirm` runs only what the user named, where the user is, and cleans up after itself: its
//! build and run directory are private to the user and to the run, the program's whole process
//! group ends on timeout and on Ctrl-C, and what the program prints is bounded in the error.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn confirm(dir: &Path, tmp: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_async-lint"));
    command.current_dir(dir).env("TMPDIR", tmp).arg("confirm").args(args);
    command
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let (work, tmp) = (root.path().join("work"), root.path().join("tmp"));
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    (root, work, tmp)
}

fn leftovers(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Reports where it runs and how private its probes' directory is, then blocks the loop.
const REPORTING: &str = r#"import asyncio, os, stat, time

async def main():
    probes = os.path.dirname(os.environ["ASYNC_LINT_OBSERVATIONS"])
    with open("report.txt", "w") as out:  # ~ blocking-io
        for d in (probes, os.path.dirname(probes)):
            out.write(f"{stat.S_IMODE(os.stat(d).st_mode):o} {d}\n")
        out.write(os.getcwd() + "\n")
    time.sleep(0.01)  # ~ blocking-sleep

asyncio.run(main())
"#;

#[test]
fn runs_in_the_working_directory_with_a_private_run_directory_never_reused() {
    let (_root, work, tmp) = setup();
    // What an earlier layout would have reused from a shared directory: a planted driver.
    let planted = tmp.join("async-lint-confirm");
    std::fs::create_dir_all(&planted).unwrap();
    let marker = tmp.join("planted-code-ran");
    std::fs::write(planted.join("async_lint_driver.py"), format!("open({:?}, 'w')\n", marker.display().to_string()))
        .unwrap();
    std::fs::write(work.join("script.py"), REPORTING).unwrap();
    for _ in 0..2 {
        let out = confirm(&work, &tmp, &["script.py"]).output().unwrap();
        assert!(!marker.exists(), "a planted file ran");
        let report = std::fs::read_to_string(work.join("report.txt")).unwrap_or_else(|_| panic!("{}", text(&out)));
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(lines.len(), 3, "{report}");
        for line in &lines[..2] {
            let (mode, dir) = line.split_once(' ').unwrap();
            assert_eq!(mode, "700", "{dir} is private");
            assert!(!Path::new(dir).starts_with(&planted), "{dir}");
        }
        assert_eq!(Path::new(lines[2]).canonicalize().unwrap(), work.canonicalize().unwrap());
        assert_eq!(leftovers(&tmp), ["async-lint-confirm"], "the run's directory is removed");
    }
}

/// Starts a grandchild that would outlive it, records its pid, then hangs.
const HANGING: &str = r#"import subprocess, time
child = subprocess.Popen(["sleep", "300"])
with open("grandchild.pid", "w") as out:
    out.write(str(child.pid))
time.sleep(300)
"#;

fn alive(pid: &str) -> bool {
    // A killed process may linger as a zombie until its parent (init) reaps it.
    let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !state.is_empty() && !state.split(") ").nth(1).is_some_and(|rest| rest.starts_with('Z'))
}

fn wait_for_pid(work: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Ok(pid) = std::fs::read_to_string(work.join("grandchild.pid"))
            && !pid.is_empty()
        {
            return pid;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "the program did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn assert_gone(pid: &str) {
    let start = Instant::now();
    while alive(pid) {
        assert!(start.elapsed() < Duration::from_secs(10), "the grandchild {pid} outlived the run");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_timeout_ends_the_whole_process_group() {
    let (_root, work, tmp) = setup();
    std::fs::write(work.join("hang.py"), HANGING).unwrap();
    let out = confirm(&work, &tmp, &["hang.py", "--timeout", "2"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("did not finish within 2 s"), "{}", text(&out));
    assert_gone(&wait_for_pid(&work));
    assert!(leftovers(&tmp).is_empty(), "{:?}", leftovers(&tmp));
}

#[test]
fn ctrl_c_ends_the_whole_process_group_and_cleans_up() {
    let (_root, work, tmp) = setup();
    std::fs::write(work.join("hang.py"), HANGING).unwrap();
    let mut child = confirm(&work, &tmp, &["hang.py"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let pid = wait_for_pid(&work);
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_gone(&pid);
    assert!(leftovers(&tmp).is_empty(), "{:?}", leftovers(&tmp));
}

#[test]
fn what_a_failing_program_prints_is_bounded_in_the_error() {
    let (_root, work, tmp) = setup();
    let noisy =
        "import sys\nfor i in range(200000):\n    print('noise', i, file=sys.stderr)\nsys.exit('the real reason')\n";
    std::fs::write(work.join("noisy.py"), noisy).unwrap();
    let out = confirm(&work, &tmp, &["noisy.py"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(error.len() < 20_000, "{} bytes of error", error.len());
    assert!(error.contains("earlier bytes not shown") && error.contains("the real reason"), "{error}");
}
