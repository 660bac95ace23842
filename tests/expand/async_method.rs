#[retry(policy = &self.policy, on_retry = |a| log(a), clone(body))]
async fn send(&self, body: String) -> Option<u16> {
    #![allow(unused_mut)]
    self.post(body).await
}
