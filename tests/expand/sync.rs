#[retry(max = 3, base = "10ms", when = |e| e.is_transient())]
pub fn fetch(id: u32) -> Result<String, Error> {
    client().get(id)
}
