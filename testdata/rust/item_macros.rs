// Functions defined inside item-position macros (`cfg_*!` blocks, `cfg_if!`) are linted.
macro_rules! cfg_rt {
    ($($item:item)*) => { $($item)* };
}

cfg_rt! {
    async fn inside_cfg_block() {
        std::thread::sleep(std::time::Duration::from_millis(1)); // ~ blocking-sleep
        helper(); // ~ blocking-io
    }

    fn helper() {
        let _ = std::fs::read("a");
    }
}

cfg_if::cfg_if! {
    if #[cfg(unix)] {
        async fn unix_only() {
            std::fs::read("a").unwrap(); // ~ blocking-io
        }
    } else {
        async fn elsewhere() {
            tokio::fs::read("a").await.unwrap();
        }
    }
}

async fn statement_macro() {
    cfg_rt! {
        let data = std::fs::read("a"); // ~ blocking-io
    }
}

fn main() {}
