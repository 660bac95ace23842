#[retry(max = 3, attempt_timeout = "2s", when = |e| self.is_transient(e))]
fn get<'life0, 'async_trait>(
    &'life0 self,
    id: u32,
) -> ::core::pin::Pin<
    Box<dyn ::core::future::Future<Output = Result<u8, Error>> + ::core::marker::Send + 'async_trait>,
>
where
    'life0: 'async_trait,
    Self: 'async_trait,
{
    Box::pin(async move {
        if let ::core::option::Option::Some(__ret) =
            ::core::option::Option::None::<Result<u8, Error>>
        {
            #[allow(unreachable_code)]
            return __ret;
        }
        let __self = self;
        let id = id;
        let __ret: Result<u8, Error> = { __self.client.get(id).await };
        #[allow(unreachable_code)]
        __ret
    })
}
