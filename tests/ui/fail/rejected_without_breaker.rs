use retry_runtime::retry;

#[retry(max = 3, rejected = |r| std::io::Error::from(r))]
fn fetch() -> Result<u8, std::io::Error> {
    Ok(1)
}

fn main() {
    let _ = fetch();
}
