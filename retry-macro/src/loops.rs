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
/// The `Binding` of an attempt's `Context` (`context = cx`), and the call's id.
pub(crate) const CONTEXT: &str = "__retry_context";
const CALL_ID: &str = "__retry_call";

/// What both ways of retrying (one attempt after another, or hedged) build on.
pub(crate) struct Parts<'a> {
    pub(crate) args: &'a Args,
    pub(crate) krate: Krate,
    /// A key's value as the expansion writes it.
    pub(crate) key_value: &'a dyn Fn(&Value) -> TokenStream,
    /// The fn's return type (each `impl Trait` as `_`), and where it was written.
    pub(crate) ret: Type,
    pub(crate) ret_span: Span,
    /// Whether the failures are classified by a `Retryable` failure type, if it is one
    /// (neither `when` nor `hint` is given).
    pub(crate) classify: bool,
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
        ..
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
    let mut verdict = verdict(args, judge, key_value);
    if let Some(classified) = classified(parts, Some(&outcome)) {
        verdict.extend(classified);
    }
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
                quote!(#krate::__private::timed_out(#convert))
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
    let guards = guards(args, krate, key_value);
    // With a breaker or a throttle, they count an attempt `attempt_timeout` cut as a
    // failure: the judge is told of the cut.
    let within_cut = (guards.is_some() && within.is_some())
        .then(|| Ident::new("__retry_within", Span::mixed_site()));
    let attempt = Attempt {
        is_async,
        krate,
        ret,
        outcome: &outcome,
        body,
        body_span: *body_span,
        within: within.as_ref(),
        within_cut: within_cut.as_ref(),
        guards: guards.as_ref(),
    };
    let attempt = attempt.statement();
    let context = ContextLocals::of(args);
    let call_id = context.as_ref().map(|locals| locals.start(krate));
    let context = context.map(|ContextLocals { call_id, binding }| {
        let method = if is_async {
            quote!(context)
        } else {
            quote!(blocking_context)
        };
        quote!(let #binding = #retry.#method(&#policy, &mut #call_id);)
    });
    let mut verdict = verdict;
    if let Some(within) = &within_cut {
        verdict = quote!(#verdict.cut(#within.timed_out()));
    }
    let verdict = finish(&verdict, &outcome, &delay);
    // One attempt and its verdict: the delay before the next attempt, or a return. The
    // outcome's scope ends here, before the sleep.
    let next = quote! {
        let #delay = {
            #context
            #attempt
            #verdict
        };
    };
    let sleep = sleep(sleeper.as_ref(), krate, &delay, &next);
    quote! {
        let mut #retry = #krate::__private::CallState::#start(&#policy);
        #call_id
        loop {
            #sleep
        }
    }
}

/// Hedged attempts: the runtime's `Hedging`, pinned, and a loop that starts an attempt
/// each time it asks for one.
pub(crate) fn hedged_loop(parts: &Parts<'_>) -> TokenStream {
    let builder = hedged(parts);
    let attempt = async_block(&parts.krate, &parts.ret, &parts.body, parts.body_span);
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
    let context = ContextLocals::of(parts.args);
    let call_id = context.as_ref().map(|locals| locals.start(krate));
    let context = context.map(|ContextLocals { call_id, binding }| {
        quote!(let #binding = #hedging.as_mut().context(&mut #call_id);)
    });
    quote! {
        let mut #hedging = ::core::pin::pin!(#builder.#race(#function, #describer));
        #call_id
        loop {
            #context
            #hedging.as_mut().start(#attempt);
            if let ::core::option::Option::Some(#outcome) = #hedging.as_mut().next().await {
                return #outcome;
            }
        }
    }
}

/// With `context = cx`: the call's id, made before its first attempt, and the binding of
/// each attempt's context, both mixed-site.
struct ContextLocals {
    call_id: Ident,
    binding: Ident,
}

impl ContextLocals {
    fn of(args: &Args) -> Option<Self> {
        args.get(&keys::CONTEXT)?;
        Some(ContextLocals {
            call_id: Ident::new(CALL_ID, Span::mixed_site()),
            binding: Ident::new(CONTEXT, Span::mixed_site()),
        })
    }

    /// `let mut call_id = CallId::new();`
    fn start(&self, krate: &Krate) -> TokenStream {
        let call_id = &self.call_id;
        quote!(let mut #call_id = #krate::__private::CallId::new();)
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
    // Before the limits, whose setters check that a refused call can become the outcome.
    if let Some(given) = args.get(&keys::REJECTED) {
        let method = &given.ident;
        let value = key_value(&given.value);
        builder.extend(quote!(.#method(#value)));
    }
    builder.extend(judge_calls(args, *key_value));
    if let Some(classified) = classified(parts, None) {
        builder.extend(classified);
    }
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

/// `.classified(&(&&ClassifyCheck::of(&outcome)).__retry_classify())`, when the failures are
/// classified by their type: the check takes the outcome's type from the outcome (from the
/// return type when there is none at hand, as in a hedged fn's glue), and the `reserved`
/// glob brings its traits into scope.
fn classified(parts: &Parts<'_>, outcome: Option<&Ident>) -> Option<TokenStream> {
    let (krate, ret) = (&parts.krate, &parts.ret);
    parts.classify.then(|| {
        let check = match outcome {
            Some(outcome) => quote!(#krate::__private::ClassifyCheck::of(&#outcome)),
            None => quote!(#krate::__private::ClassifyCheck::<#ret>::new()),
        };
        quote!(.classified(&(&&#check).__retry_classify()))
    })
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

/// One attempt, run into `outcome` in its own scope.
struct Attempt<'a> {
    is_async: bool,
    krate: &'a Krate,
    ret: &'a Type,
    outcome: &'a Ident,
    body: &'a TokenStream,
    body_span: Span,
    /// The call that puts an async attempt under `attempt_timeout`: `state.within` and its
    /// arguments but the attempt.
    within: Option<&'a (TokenStream, TokenStream)>,
    /// The local that keeps that call's future, pinned, to ask it afterwards whether it
    /// cut the attempt (with a breaker or a throttle only).
    within_cut: Option<&'a Ident>,
    /// The admission of the first attempt by a breaker or a throttle (see [`guards`]).
    guards: Option<&'a TokenStream>,
}

impl Attempt<'_> {
    /// The statements that bind `outcome`.
    fn statement(&self) -> TokenStream {
        let Attempt {
            ret,
            outcome,
            body,
            body_span,
            ..
        } = *self;
        let (prelude, run) = if self.is_async {
            let attempt = async_block(self.krate, ret, body, body_span);
            match (self.within, self.within_cut) {
                (Some((call, args)), Some(within)) => (
                    quote!(let mut #within = ::core::pin::pin!(#call(#args #attempt));),
                    quote!(#within.as_mut().await),
                ),
                (Some((call, args)), None) => (quote!(), quote!(#call(#args #attempt).await)),
                (None, _) => (quote!(), quote!(#attempt.await)),
            }
        } else {
            // Spanned at the body: a body that moves an argument is reported there.
            let body = braced(body, body_span);
            let run = quote_spanned!(body_span=> (|| -> #ret #body)());
            (quote!(#[allow(clippy::redundant_closure_call)]), run)
        };
        let run = match self.guards {
            Some(admit) => quote! {
                match #admit {
                    ::core::option::Option::Some(#outcome) => #outcome,
                    ::core::option::Option::None => #run,
                }
            },
            None => run,
        };
        // An async block's output is `ret` by its dead `return`; the annotation lets the
        // compiler check the outcome at the return type first, and types the conversion
        // of a refused call.
        let annotation = (self.is_async || self.guards.is_some()).then(|| quote!(: #ret));
        quote! {
            #prelude
            let #outcome #annotation = #run;
        }
    }
}

/// An async attempt: the body in an `async` block. Spanned at the body, like the sync
/// closure. `__private::attempt::<R, _>` fixes the block's output type, so that `?` and
/// `return` in the body infer as they do in the fn.
fn async_block(krate: &Krate, ret: &Type, body: &TokenStream, body_span: Span) -> TokenStream {
    quote_spanned! {body_span=>
        #krate::__private::attempt::<#ret, _>(async { #body })
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

/// The verdict on the outcome: `judge` and a call for each key of the judge.
fn verdict(
    args: &Args,
    judge: TokenStream,
    key_value: &dyn Fn(&Value) -> TokenStream,
) -> TokenStream {
    let mut verdict = judge;
    verdict.extend(judge_calls(args, key_value));
    verdict
}

/// The delay before the next attempt, from `verdict`, or a return.
fn finish(verdict: &TokenStream, outcome: &Ident, delay: &Ident) -> TokenStream {
    quote! {
        match #verdict.next() {
            ::core::option::Option::Some(#delay) => #delay,
            ::core::option::Option::None => return #outcome,
        }
    }
}

/// With a `breaker` or a `throttle`: the call that asks them to admit the first attempt,
/// `state.admit(breaker, throttle)` (or `admit_with(.., conversion)` with `rejected`), which
/// gives the outcome that stands for a refusal. Spanned at the first of the keys, where a
/// failure type without `From<Rejected>` is reported.
fn guards(
    args: &Args,
    krate: &Krate,
    key_value: &dyn Fn(&Value) -> TokenStream,
) -> Option<TokenStream> {
    let breaker = args.get(&keys::BREAKER);
    let throttle = args.get(&keys::THROTTLE);
    let at = breaker.or(throttle)?.ident.span();
    let option = |given: Option<&crate::attr::Given>| match given {
        Some(given) => {
            let value = key_value(&given.value);
            quote!(::core::option::Option::Some(#value))
        }
        None => quote!(::core::option::Option::None),
    };
    let (breaker, throttle) = (option(breaker), option(throttle));
    let retry = Ident::new("__retry_state", Span::mixed_site());
    Some(match args.get(&keys::REJECTED) {
        Some(convert) => {
            let convert = key_value(&convert.value);
            let method = Ident::new("admit_with", at);
            let convert = quote!(&#krate::__private::rejected(#convert));
            quote!(#retry.#method(#breaker, #throttle, #convert))
        }
        None => {
            let method = Ident::new("admit", at);
            quote!(#retry.#method(#breaker, #throttle))
        }
    })
}

/// `{ statements }`, the braces spanned at the body.
fn braced(statements: &TokenStream, span: Span) -> Group {
    let mut group = Group::new(Delimiter::Brace, statements.clone());
    group.set_span(span);
    group
}
