async fn send(&self, body: String) -> Option<u16> {
    #![allow(unused_mut)]
    #[allow(unused_imports)]
    use ::retry_runtime::__private::reserved::*;
    let __retry_policy = &self.policy;
    let mut __retry_state = ::retry_runtime::__private::CallState::timed(&__retry_policy);
    loop {
        {
            let __retry_delay = {
                let __retry_outcome: Option<u16> =
                    ::retry_runtime::__private::attempt::<Option<u16>, _>(async {
                        let body = ::core::clone::Clone::clone(&body);
                        self.post(body).await
                    })
                    .await;
                match ::retry_runtime::__private::judge!(
                    __retry_state,
                    &__retry_policy,
                    &__retry_outcome,
                    "send"
                )
                .on_retry(|a| log(a))
                .classified(
                    &(&&::retry_runtime::__private::ClassifyCheck::of(&__retry_outcome))
                        .__retry_classify(),
                )
                .next()
                {
                    ::core::option::Option::Some(__retry_delay) => __retry_delay,
                    ::core::option::Option::None => return __retry_outcome,
                }
            };
            ::retry_runtime::__private::sleep_async(
                __retry_delay,
                &::retry_runtime::__private::DefaultSleep,
            )
        }
        .await;
    }
}
