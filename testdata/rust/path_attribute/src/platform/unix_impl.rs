pub fn probe() -> bool {
    std::path::Path::new("/dev/null").exists()
}

pub fn cheap() -> u32 {
    0
}
