#[retry(max = 3, breaker = &BREAKER, throttle = &self.throttle, attempt_timeout = "1s")]
async fn fetch(&self) -> Result<Item, Error> {
    self.client.get().await
}
