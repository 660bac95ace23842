//! Generates the retry loop around the fn's body.
//!
//! ```text
//! // Input:
//! #[retry(max = 3, base = "10ms", when = |e| e.is_transient())]
//! fn f(x: u32) -> Result<u8, E> { body }
//!
//! // Output:
//! fn f(x: u32) -> Result<u8, E> {
//!     let mut __retry_state = ::retry_runtime::__private::Retry::new(&const {
//!         ::retry_runtime::Policy::new()
//!             .max_attempts(3)
//!             .base(::core::time::Duration::from_millis(10))
//!     });
//!     loop {
//!         let __retry_delay = {
//!             let __retry_outcome = (|| -> Result<u8, E> { body })();
//!             match __retry_state
//!                 .judge(&__retry_outcome, "f", ::retry_runtime::__private::describe!())
//!                 .when(|e| e.is_transient())
//!                 .next()
//!             {
//!                 ::core::option::Option::Some(__retry_delay) => __retry_delay,
//!                 ::core::option::Option::None => return __retry_outcome,
//!             }
//!         };
//!         ::retry_runtime::__private::sleep(__retry_delay);
//!     }
//! }
//! ```
//!
//! An `async fn` runs each attempt as `async { body }.await` instead, and sleeps with
//! `__private::sleep_async(__retry_delay, &sleep).await`. The signature is printed back as written.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{FnArg, Ident, Pat, ReturnType, Type};

use crate::ast::{self, RetryFn};
use crate::attr::{self, Args, DurationValue};
use crate::valid;

/// The whole macro: the expansion, or the original fn and the errors.
pub(crate) fn retry(args: TokenStream, item: &TokenStream) -> TokenStream {
    let func = ast::parse(item.clone());
    let args = attr::parse(args);
    let checked = match (args, func) {
        (Ok(args), Ok(func)) => valid::check(&args, &func).map(|()| (args, func)),
        (Err(mut error), Err(item_error)) => {
            error.combine(item_error);
            Err(error)
        }
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => Err(error),
    };
    match checked {
        Ok((args, func)) => expand(&args, func),
        Err(error) => {
            let error = error.into_compile_error();
            quote!(#error #item)
        }
    }
}

// The names of the expansion's locals that several of its pieces must spell alike (all are
// mixed-site, so user code can neither see nor shadow them).
const OUTCOME: &str = "__retry_outcome";
const DELAY: &str = "__retry_delay";

fn expand(args: &Args, func: RetryFn) -> TokenStream {
    let RetryFn {
        attrs,
        vis,
        defaultness,
        sig,
        block,
    } = func;
    let krate = match &args.krate {
        Some((_, path)) => path.to_token_stream(),
        None => quote!(::retry_runtime),
    };
    let ret = match &sig.output {
        ReturnType::Type(_, ty) => (**ty).clone(),
        ReturnType::Default => syn::parse_quote!(()),
    };
    let ret_span = ret.span();
    let ret = infer_impl_trait(ret);
    let retry = Ident::new("__retry_state", Span::mixed_site());
    let outcome = Ident::new(OUTCOME, Span::mixed_site());
    let delay = Ident::new(DELAY, Span::mixed_site());

    let policy = match &args.policy {
        Some((_, policy)) => policy.to_token_stream(),
        // A schedule known at compile time is a `&'static Policy`: one pointer in the state.
        None if constant_schedule(args) => {
            let policy = policy(args, &krate);
            quote!(&const { #policy })
        }
        None => policy(args, &krate),
    };
    let timed = args.on_retry.as_ref().map(|_| quote!(.timed()));
    // Spanned at the return type: a type that is not an `Outcome` is reported there.
    let outcome_at_ret = Ident::new(OUTCOME, Span::mixed_site().located_at(ret_span));
    let outcome_ref = quote_spanned!(ret_span=> &#outcome_at_ret);
    // With the runtime's `tracing` feature (which turns on this crate's), `judge` also takes
    // the fn's name and how to show its errors.
    let trace = if cfg!(feature = "tracing") {
        let function = sig.ident.to_string();
        quote!(, #function, #krate::__private::describe!())
    } else {
        TokenStream::new()
    };
    let mut verdict = quote!(#retry.judge(#outcome_ref #trace));
    for (key, expr) in [&args.when, &args.when_ok, &args.hint]
        .into_iter()
        .flatten()
    {
        verdict.extend(quote!(.#key(#expr)));
    }
    if let Some((key, budget)) = &args.budget {
        verdict.extend(quote!(.#key(&#budget)));
    }
    if let Some((key, hook)) = &args.on_retry {
        verdict.extend(quote!(.#key(#hook)));
    }

    let clones = clones(args, &sig);
    let body_span = block.span();
    let body = if clones.is_empty() {
        block.into_token_stream()
    } else {
        quote!({ #(#clones)* #block })
    };
    let attempt = attempt(&sig, &ret, &outcome, &body, body_span);
    let sleep = sleep(args, &sig, &krate, &delay);

    quote! {
        #(#attrs)*
        #vis #defaultness #sig {
            let mut #retry = #krate::__private::Retry::new(#policy)#timed;
            loop {
                // The outcome's scope ends before the sleep: an async fn does not keep it
                // across the `.await`.
                let #delay = {
                    #attempt
                    match #verdict.next() {
                        ::core::option::Option::Some(#delay) => #delay,
                        ::core::option::Option::None => return #outcome,
                    }
                };
                #sleep
            }
        }
    }
}

/// The statement that runs one attempt into `outcome`, in its own scope.
fn attempt(
    sig: &syn::Signature,
    ret: &Type,
    outcome: &Ident,
    body: &TokenStream,
    body_span: Span,
) -> TokenStream {
    if sig.asyncness.is_some() {
        let early = Ident::new("__retry_early", Span::mixed_site());
        // Spanned at the body, like the sync closure. The dead `return` fixes the async
        // block's output type, so that `?` and `return` in the body infer as they do in the
        // fn.
        quote_spanned! {body_span=>
            let #outcome: #ret = async {
                if let ::core::option::Option::Some(#early) = ::core::option::Option::None::<#ret> {
                    #[allow(unreachable_code)]
                    return #early;
                }
                #body
            }
            .await;
        }
    } else {
        // Spanned at the body: a body that moves an argument is reported there.
        quote_spanned! {body_span=>
            #[allow(clippy::redundant_closure_call)]
            let #outcome = (|| -> #ret #body)();
        }
    }
}

/// The statement that sleeps `delay` before the next attempt.
fn sleep(args: &Args, sig: &syn::Signature, krate: &TokenStream, delay: &Ident) -> TokenStream {
    if sig.asyncness.is_none() {
        return quote!(#krate::__private::sleep(#delay););
    }
    let sleeper = match &args.sleep {
        Some((_, path)) => path.to_token_stream(),
        None => quote!(#krate::__private::DefaultSleep),
    };
    quote!(#krate::__private::sleep_async(#delay, &#sleeper).await;)
}

/// Whether every schedule key is a literal (no duration given as an expression).
fn constant_schedule(args: &Args) -> bool {
    [&args.base, &args.max_delay, &args.deadline]
        .into_iter()
        .flatten()
        .all(|(_, value)| matches!(value, DurationValue::Literal { .. }))
}

/// `Policy::new()` with a setter for each schedule key given.
fn policy(args: &Args, krate: &TokenStream) -> TokenStream {
    let mut policy = quote!(#krate::Policy::new());
    let mut set = |key: &Ident, method: &str, value: TokenStream| {
        let method = Ident::new(method, key.span());
        policy.extend(quote!(.#method(#value)));
    };
    if let Some((key, max)) = &args.max {
        set(
            key,
            "max_attempts",
            Literal::u32_unsuffixed(*max).into_token_stream(),
        );
    }
    if let Some((key, base)) = &args.base {
        set(key, "base", base.to_token_stream());
    }
    if let Some((key, variant)) = &args.backoff {
        set(key, "backoff", quote!(#krate::Backoff::#variant));
    }
    if let Some((key, factor)) = &args.factor {
        set(
            key,
            "factor",
            Literal::f64_unsuffixed(*factor).into_token_stream(),
        );
    }
    if let Some((key, max_delay)) = &args.max_delay {
        set(key, "max_delay", max_delay.to_token_stream());
    }
    if let Some((key, variant)) = &args.jitter {
        set(key, "jitter", quote!(#krate::Jitter::#variant));
    }
    if let Some((key, deadline)) = &args.deadline {
        set(key, "deadline", deadline.to_token_stream());
    }
    policy
}

/// `let name = Clone::clone(&name);` for each `clone(...)` argument, at the top of each
/// attempt. A `mut` argument is cloned through `&mut`, which keeps its `mut` in use.
fn clones(args: &Args, sig: &syn::Signature) -> Vec<TokenStream> {
    let Some((_, names)) = &args.clone else {
        return Vec::new();
    };
    names
        .iter()
        .map(|name| {
            let mutability = sig.inputs.iter().find_map(|arg| match arg {
                FnArg::Typed(arg) => match &*arg.pat {
                    Pat::Ident(pat) if pat.ident == *name => Some(pat.mutability),
                    _ => None,
                },
                FnArg::Receiver(_) => None,
            });
            let mutability = mutability.flatten();
            quote_spanned! {name.span()=>
                let #mutability #name = ::core::clone::Clone::clone(&#mutability #name);
            }
        })
        .collect()
}

/// The return type with each `impl Trait` replaced by `_`, so that it can annotate the body.
fn infer_impl_trait(mut ty: Type) -> Type {
    struct Infer;
    impl VisitMut for Infer {
        fn visit_type_mut(&mut self, ty: &mut Type) {
            if let Type::ImplTrait(impl_trait) = ty {
                *ty = Type::Infer(syn::TypeInfer {
                    attrs: Vec::new(),
                    underscore_token: syn::Token![_](impl_trait.impl_token.span),
                });
            } else {
                syn::visit_mut::visit_type_mut(self, ty);
            }
        }
    }
    Infer.visit_type_mut(&mut ty);
    ty
}

#[cfg(test)]
mod tests {
    use super::retry;
    use proc_macro2::TokenStream;
    use quote::quote;

    fn expand(args: TokenStream, item: &TokenStream) -> String {
        retry(args, item).to_string()
    }

    #[test]
    fn every_key_reaches_the_expansion() {
        let sync = expand(
            quote! {
                max = 7, base = BASE_MARK, backoff = "linear", factor = 1.5,
                max_delay = MAX_DELAY_MARK, jitter = "equal", deadline = DEADLINE_MARK,
                when = WHEN_MARK, when_ok = WHEN_OK_MARK, on_retry = ON_RETRY_MARK,
                hint = HINT_MARK, budget = BUDGET_MARK, clone(arg), crate = CRATE_MARK,
            },
            &quote!(
                fn f(arg: String) -> Result<(), ()> {
                    Ok(())
                }
            ),
        );
        for mark in [
            "max_attempts (7)",
            "base (BASE_MARK)",
            "Backoff :: Linear",
            "factor (1.5)",
            "max_delay (MAX_DELAY_MARK)",
            "Jitter :: Equal",
            "deadline (DEADLINE_MARK)",
            ". when (WHEN_MARK)",
            ". when_ok (WHEN_OK_MARK)",
            ". on_retry (ON_RETRY_MARK)",
            ". hint (HINT_MARK)",
            ". budget (& BUDGET_MARK)",
            "clone (& arg)",
            "CRATE_MARK :: __private :: Retry",
            ". timed ()",
        ] {
            assert!(sync.contains(mark), "`{mark}` missing from:\n{sync}");
        }
        let with_policy = expand(
            quote!(policy = POLICY_MARK),
            &quote!(
                async fn f() -> Option<()> {
                    None
                }
            ),
        );
        assert!(
            with_policy.contains("Retry :: new (POLICY_MARK)"),
            "{with_policy}"
        );
        let with_sleep = expand(
            quote!(sleep = SLEEP_MARK),
            &quote!(
                async fn f() -> Option<()> {
                    None
                }
            ),
        );
        assert!(
            with_sleep.contains("sleep_async (__retry_delay , & SLEEP_MARK)"),
            "{with_sleep}"
        );
    }

    #[test]
    fn errors_keep_the_original_function() {
        let out = expand(
            quote!(max = 0),
            &quote!(
                fn original() -> Option<()> {
                    None
                }
            ),
        );
        assert!(out.contains("compile_error"));
        assert!(
            out.contains("fn original () -> Option < () > { None }"),
            "{out}"
        );
        let out = expand(
            quote!(),
            &quote!(
                struct NotAFn;
            ),
        );
        assert!(
            out.contains("compile_error") && out.contains("struct NotAFn ;"),
            "{out}"
        );
    }
}
