#[retry(max = 5, base = "100ms", max_delay = "2s", jitter = "full", on_give_up = report)]
async fn fetch(client: &Client) -> Result<Item, Error> {
    client.get().await
}
