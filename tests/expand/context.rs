#[retry(max = 3, deadline = "2s", context = cx)]
async fn charge(client: &Client, order: &Order) -> Result<Receipt, Error> {
    client.charge(order, cx.call_id, cx.remaining()).await
}
