// `#[path]` puts a module in a file that the layout alone would not find.
#[path = "platform/unix_impl.rs"]
mod sys;

pub async fn open_device() {
    sys::probe(); // ~ blocking-io
    sys::cheap();
}
