//! The loops around the body: attempts one after another ([`retry_loop`]: an attempt, its
//! verdict, a sleep) or hedged ([`hedged_loop`]), and the pieces both are made of.

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::{Ident, Type};

use crate::attr::{Args, Krate, Value};
use crate::keys::{self, Emit};

// The names of the expansion's locals that several of its pieces must spell alike (all are
// mixed-site, so user code can neither see nor shadow them).
const OUTCOME: &str = "__retry_outcome";
const DELAY: &str = "__retry_delay";

/// What both ways of retrying (one attempt after another, or hedged) build on.
pub(crate) struct Parts<'a> {
    pub(crate) args: &'a Args,
    pub(crate) krate: Krate,
    /// A key's value as the expansion writes it.
    pub(crate) key_value: &'a dyn Fn(&Value) -> TokenStream,
    /// The fn's return type (each `impl Trait` as `_`), and where it was written.
    pub(crate) ret: Type,
    pub(crate) ret_span: Span,
    /// How the expansion refers to the policy: a local, or an inline `const` block.
    pub(crate) policy: TokenStream,
    /// The fn's name, for the events.
    pub(crate) function: String,
    /// The body, with the `clone(...)` statements on top.
    pub(crate) body: TokenStream,
    pub(crate) body_span: Span,
}

/// Attempts one after another: a `CallState`, and a loop of an attempt, its verdict, a sleep.
pub(crate) fn retry_loop(parts: &Parts<'_>, is_async: bool) -> TokenStream {
    let Parts {
        args,
        krate,
        key_value,
        ret,
        ret_span,
        policy,
        function,
        body,
        body_span,
    } = parts;
    let retry = Ident::new("__retry_state", Span::mixed_site());
    let outcome = Ident::new(OUTCOME, Span::mixed_site());
    let delay = Ident::new(DELAY, Span::mixed_site());
    let timed = args
        .iter()
        .any(|given| matches!(given.key.emit, Emit::Judge { timed: true, .. }));
    // A sync fn sleeps its thread, so it reads the system's clock; an async fn the runtime's.
    let start = match (is_async, timed) {
        (true, false) => quote!(new),
        (true, true) => quote!(timed),
        (false, false) => quote!(blocking),
        (false, true) => quote!(blocking_timed),
    };
    // Spanned at the return type: a type that is not an `Outcome` is reported there.
    let outcome_at_ret = Ident::new(OUTCOME, Span::mixed_site().located_at(*ret_span));
    let outcome_ref = quote_spanned!(*ret_span=> &#outcome_at_ret);
    let judge = quote!(#krate::__private::judge!(#retry, &#policy, #outcome_ref, #function));
    let verdict = verdict(args, judge, key_value, &outcome, &delay);
    // An async fn's sleep: between attempts, and the timer of `attempt_timeout`.
    let sleeper = is_async.then(|| match args.expr(&keys::SLEEP) {
        Some(path) => path.to_token_stream(),
        None => quote!(#krate::__private::DefaultSleep),
    });
    // Spanned at the key: an outcome that cannot stand for a timed-out attempt is
    // reported there.
    let within = args.get(&keys::ATTEMPT_TIMEOUT).map(|given| {
        let limit = given.value.to_tokens(krate);
        let method = Ident::new("within", given.ident.span());
        let call = quote!(#retry.#method);
        // How a cut attempt becomes the outcome: the `timed_out` key's conversion, or the
        // outcome's own `From<TimedOut>`, checked where one error can name the fix.
        let cut = match args.get(&keys::TIMED_OUT) {
            Some(convert) => {
                let convert = key_value(&convert.value);
                quote!(#krate::Converted(#convert))
            }
            None => {
                // Spanned at the key: a failure type without the conversion is told there.
                let method = Ident::new("__retry_cut", given.ident.span());
                quote! {{
                    #[allow(unused_imports)]
                    use #krate::__private::{CutByFrom as _, CutMissing as _};
                    (&&#krate::__private::CutCheck::<#ret>::new()).#method()
                }}
            }
        };
        (call, quote!(&#policy, #limit, &#sleeper, #cut, #function,))
    });
    let attempt = attempt(is_async, ret, &outcome, body, *body_span, within.as_ref());
    // One attempt and its verdict: the delay before the next attempt, or a return. The
    // outcome's scope ends here, before the sleep.
    let next = quote! {
        let #delay = {
            #attempt
            #verdict
        };
    };
    let sleep = sleep(sleeper.as_ref(), krate, &delay, &next);
    quote! {
        let mut #retry = #krate::__private::CallState::#start(&#policy);
        loop {
            #sleep
        }
    }
}

/// Hedged attempts: the runtime's `Hedging`, pinned, and a loop that starts an attempt
/// each time it asks for one.
pub(crate) fn hedged_loop(parts: &Parts<'_>) -> TokenStream {
    let builder = hedged(parts);
    let attempt = async_block(&parts.ret, &parts.body, parts.body_span);
    let hedging = Ident::new("__retry_hedging", Span::mixed_site());
    let outcome = Ident::new(OUTCOME, Span::mixed_site());
    // Spanned at `on_retry` when given: an outcome it cannot be told of is reported there.
    let at = parts
        .args
        .get(&keys::ON_RETRY)
        .or(parts.args.get(&keys::HEDGE));
    let race = Ident::new(
        "race",
        at.map_or_else(Span::call_site, |given| given.ident.span()),
    );
    let (function, krate) = (&parts.function, &parts.krate);
    let describer = quote!(#krate::__private::describer!());
    quote! {
        let mut #hedging = ::core::pin::pin!(#builder.#race(#function, #describer));
        loop {
            #hedging.as_mut().start(#attempt);
            if let ::core::option::Option::Some(#outcome) = #hedging.as_mut().next().await {
                return #outcome;
            }
        }
    }
}

/// A hedged fn's glue: `hedged::<R>(&policy, hedge)`, the judge's keys, `sleep`,
/// `attempt_timeout` and `timed_out`.
fn hedged(parts: &Parts<'_>) -> TokenStream {
    let Parts {
        args,
        krate,
        key_value,
        ret,
        ret_span,
        policy,
        ..
    } = parts;
    // Spanned at the return type: a type that is not an `Outcome` is reported there.
    let start = quote_spanned!(*ret_span=> #krate::__private::hedged::<#ret, _>);
    let hedge = args
        .get(&keys::HEDGE)
        .map(|given| key_value(&given.value))
        .unwrap_or_default();
    let mut builder = quote!(#start(&#policy, #hedge));
    builder.extend(judge_calls(args, *key_value));
    if let Some(path) = args.expr(&keys::SLEEP) {
        builder.extend(quote!(.sleep(#path)));
    }
    for key in [&keys::ATTEMPT_TIMEOUT, &keys::TIMED_OUT] {
        if let Some(given) = args.get(key) {
            let method = &given.ident;
            let value = key_value(&given.value);
            builder.extend(quote!(.#method(#value)));
        }
    }
    builder
}

/// A call for each key of the judge: `.when(expr)`, `.budget(&expr)`, ...
fn judge_calls(args: &Args, key_value: &dyn Fn(&Value) -> TokenStream) -> TokenStream {
    let mut calls = TokenStream::new();
    for given in args.iter() {
        if let Emit::Judge { by_ref, .. } = given.key.emit {
            let (key, value) = (&given.ident, key_value(&given.value));
            let value = if by_ref { quote!(&#value) } else { value };
            calls.extend(quote!(.#key(#value)));
        }
    }
    calls
}

/// The statement that runs one attempt into `outcome`, in its own scope. `within` is the
/// call that puts an async attempt under `attempt_timeout`: `state.within` and its
/// arguments but the attempt.
fn attempt(
    is_async: bool,
    ret: &Type,
    outcome: &Ident,
    body: &TokenStream,
    body_span: Span,
    within: Option<&(TokenStream, TokenStream)>,
) -> TokenStream {
    if is_async {
        let attempt = async_block(ret, body, body_span);
        let attempt = match within {
            Some((call, args)) => quote!(#call(#args #attempt)),
            None => attempt,
        };
        quote!(let #outcome: #ret = #attempt.await;)
    } else {
        // Spanned at the body: a body that moves an argument is reported there.
        let body = braced(body, body_span);
        quote_spanned! {body_span=>
            #[allow(clippy::redundant_closure_call)]
            let #outcome = (|| -> #ret #body)();
        }
    }
}

/// An async attempt: the body in an `async` block. Spanned at the body, like the sync
/// closure. The dead `return` fixes the block's output type, so that `?` and `return` in
/// the body infer as they do in the fn.
fn async_block(ret: &Type, body: &TokenStream, body_span: Span) -> TokenStream {
    let early = Ident::new("__retry_early", Span::mixed_site());
    quote_spanned! {body_span=>
        async {
            if let ::core::option::Option::Some(#early) = ::core::option::Option::None::<#ret> {
                #[allow(unreachable_code)]
                return #early;
            }
            #body
        }
    }
}

/// The loop's body: `next` (one attempt, which binds `delay`), then the sleep. An async fn
/// awaits a block that ends `delay`'s scope first, so that its future does not keep it.
fn sleep(
    sleeper: Option<&TokenStream>,
    krate: &Krate,
    delay: &Ident,
    next: &TokenStream,
) -> TokenStream {
    let Some(sleeper) = sleeper else {
        return quote! {
            #next
            #krate::__private::sleep(#delay);
        };
    };
    quote! {
        {
            #next
            #krate::__private::sleep_async(#delay, &#sleeper)
        }
        .await;
    }
}

/// The verdict on the outcome: `judge` and a call for each key of the judge, then the
/// delay before the next attempt, or a return.
fn verdict(
    args: &Args,
    judge: TokenStream,
    key_value: &dyn Fn(&Value) -> TokenStream,
    outcome: &Ident,
    delay: &Ident,
) -> TokenStream {
    let mut verdict = judge;
    verdict.extend(judge_calls(args, key_value));
    quote! {
        match #verdict.next() {
            ::core::option::Option::Some(#delay) => #delay,
            ::core::option::Option::None => return #outcome,
        }
    }
}

/// `{ statements }`, the braces spanned at the body.
fn braced(statements: &TokenStream, span: Span) -> Group {
    let mut group = Group::new(Delimiter::Brace, statements.clone());
    group.set_span(span);
    group
}
