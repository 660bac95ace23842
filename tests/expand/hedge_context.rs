#[retry(max = 3, hedge = "50ms", context = cx)]
async fn fetch(client: &Client) -> Result<Item, Error> {
    client.get().header("x-retry-attempt", cx.attempt).send().await
}
