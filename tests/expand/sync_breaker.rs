#[retry(max = 3, breaker = &BREAKER, rejected = |r| Error::from(std::io::Error::from(r)))]
fn fetch(client: &Client) -> Result<Item, Error> {
    client.get()
}
