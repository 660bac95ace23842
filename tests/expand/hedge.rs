#[retry(max = 3, hedge = "50ms", attempt_timeout = "1s", when = |e| e.is_transient())]
async fn fetch(client: &Client) -> Result<Item, Error> {
    client.get().await
}
