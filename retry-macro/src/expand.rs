//! Generates the retry loop around the fn's body.
//!
//! ```text
//! // Input:
//! #[retry(max = 3, base = "10ms", when = |e| e.is_transient())]
//! fn f(x: u32) -> Result<u8, E> { body }
//!
//! // Output (`tests/expand/*.expanded.rs` has whole examples):
//! fn f(x: u32) -> Result<u8, E> {
//!     use ::retry_runtime::__private::reserved::*; // shadows module items of these names
//!     let mut __retry_state = ::retry_runtime::__private::CallState::blocking(&const {
//!         ::retry_runtime::Policy::new().max_attempts(3).base(Duration::from_millis(10))
//!     });
//!     loop {
//!         let __retry_delay = {
//!             let __retry_outcome = (|| -> Result<u8, E> { body })();
//!             match ::retry_runtime::__private::judge!(
//!                 __retry_state, &const { /* the same policy */ }, &__retry_outcome, "f"
//!             )
//!             .when(|e| e.is_transient())
//!             .next()
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
//! The loops are written in [`loops`](crate::loops). An `async fn` runs each attempt as
//! `async { body }.await` instead, and awaits
//! `__private::sleep_async(__retry_delay, &sleep)` from a block that ends the delay's scope.
//! A schedule given by expressions, or `policy = expr`, is a local evaluated once per call.
//! The signature is printed back as written; the body's inner attributes stay on top.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{FnArg, Ident, Pat, ReturnType, Type};

use crate::ast::{self, RetryFn};
use crate::async_trait;
use crate::attr::{self, Args, DurationValue, Krate, Value};
use crate::errors::Errors;
use crate::keys::{self, Emit};
use crate::loops::{self, Parts};
use crate::valid;

/// The whole macro: the expansion, or the original fn and every error found.
pub(crate) fn retry(args: TokenStream, item: &TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = attr::parse(args, &mut errors);
    valid::check_args(&args, &mut errors);
    let func = match ast::parse(item.clone()) {
        Ok(func) => {
            valid::check_fn(&args, &func, &mut errors);
            Some(func)
        }
        Err(error) => {
            errors.push(error);
            None
        }
    };
    match (errors.into_compile_errors(), func) {
        (None, Some(func)) => expand(&args, func),
        (errors, _) => quote!(#errors #item),
    }
}

fn expand(args: &Args, func: RetryFn) -> TokenStream {
    let is_async = func.is_async();
    let RetryFn {
        attrs,
        vis,
        defaultness,
        sig,
        inner_attrs,
        block,
        boxed,
    } = func;
    let krate = Krate::new(match args.get(&keys::CRATE) {
        Some(given) => given.value.to_tokens(&Krate::new(TokenStream::new())),
        None => quote!(::retry_runtime),
    });
    // Inside an `#[async_trait]` method, `self` has moved into `__self` where the keys run.
    let in_async_trait = boxed.is_some();
    let key_value = |value: &Value| {
        if in_async_trait {
            async_trait::rename_self(value.to_tokens(&krate))
        } else {
            value.to_tokens(&krate)
        }
    };
    let ret = match (&boxed, &sig.output) {
        (Some(boxed), _) => boxed.output.clone(),
        (None, ReturnType::Type(_, ty)) => (**ty).clone(),
        (None, ReturnType::Default) => syn::parse_quote!(()),
    };
    let hedged = args.get(&keys::HEDGE).is_some();
    let (policy_item, policy) = policy_item(args, &krate, &key_value, hedged);
    let clones = clones(args, &sig);
    let (body, prelude) = match boxed {
        Some(boxed) => (boxed.body.into_token_stream(), Some(boxed.prelude)),
        None => (block.into_token_stream(), None),
    };
    let body_span = body.span();
    // The body's statements, without their braces: spliced into the attempt's own block,
    // so that a one-expression body is not a block in a block (`unused_braces`).
    let statements = unbrace(body);
    let context = context(args, &krate);
    let body = quote!(#context #(#clones)* #statements);
    let ret_span = ret.span();
    let (ret, inferred) = infer_impl_trait(ret);
    // Without `when` and `hint`, a `Retryable` failure type classifies the failures; the
    // check needs the outcome's type, which an `impl Trait` in it hides.
    let classify = !inferred
        && !args
            .iter()
            .any(|given| matches!(given.key.name, "when" | "hint"));
    let parts = Parts {
        args,
        krate: krate.clone(),
        key_value: &key_value,
        ret_span,
        ret,
        classify,
        policy,
        function: sig.ident.to_string(),
        body,
        body_span,
    };
    let retried = if hedged {
        loops::hedged_loop(&parts)
    } else {
        loops::retry_loop(&parts, is_async)
    };
    // The expansion's locals are mixed-site, so the body can neither see nor shadow them;
    // this import shadows the module's own items of the same names, which a `let` could
    // otherwise not bind (E0530).
    let mut retried = quote! {
        #[allow(unused_imports)]
        use #krate::__private::reserved::*;
        #policy_item
        #retried
    };
    // An `#[async_trait]` method: the loop goes inside the boxed future, after the
    // statements that move the arguments into it.
    if let Some(prelude) = prelude {
        retried = quote! {
            ::std::boxed::Box::pin(async move {
                #(#prelude)*
                #retried
            })
        };
    }
    quote! {
        #(#attrs)*
        #vis #defaultness #sig {
            #(#inner_attrs)*
            #retried
        }
    }
}

/// The policy of one call: an inline `const` block for a schedule known at compile time
/// (the call keeps nothing of it, and the optimizer sees every setting), or a local
/// evaluated once per call. Returns the statement, if any, and how to refer to the policy.
///
/// A loop refers to a constant policy two or three times, so it is written once, in a
/// closure that returns it (`let __retry_policy = || &const { .. };`, called at each use):
/// the closure captures nothing, so an async fn's future keeps nothing of it either, and
/// the compiler reads one copy instead of several. A hedged fn refers to it once.
fn policy_item(
    args: &Args,
    krate: &Krate,
    key_value: &dyn Fn(&Value) -> TokenStream,
    once: bool,
) -> (TokenStream, TokenStream) {
    let local = Ident::new("__retry_policy", Span::mixed_site());
    match args.get(&keys::POLICY) {
        Some(policy) => {
            let policy = key_value(&policy.value);
            (quote!(let #local = #policy;), local.into_token_stream())
        }
        None if constant_schedule(args) => {
            // An inline `const`: no item that the body could see, and nothing of it in the
            // call's state.
            let policy = policy(args, krate);
            if once {
                (TokenStream::new(), quote!(const { #policy }))
            } else {
                (
                    quote!(let #local = || &const { #policy };),
                    quote!(*#local()),
                )
            }
        }
        None => {
            let policy = policy(args, krate);
            (quote!(let #local = #policy;), local.into_token_stream())
        }
    }
}

/// Whether every schedule key is a literal (no duration given as an expression).
fn constant_schedule(args: &Args) -> bool {
    args.iter()
        .filter(|given| given.key.in_schedule())
        .all(|given| !matches!(given.value, Value::Duration(DurationValue::Expr(_))))
}

/// `Policy::new()` with a setter for each schedule key given.
fn policy(args: &Args, krate: &Krate) -> TokenStream {
    let mut policy = quote!(#krate::Policy::new());
    for given in args.iter() {
        if let Emit::Policy { setter } = given.key.emit {
            let setter = Ident::new(setter, given.ident.span());
            let value = given.value.to_tokens(krate);
            policy.extend(quote!(.#setter(#value)));
        }
    }
    policy
}

/// `context = cx`: `let cx: Context = __retry_context.bind();` at the top of each attempt,
/// the binding made before it (see `loops`) moved into the attempt's closure or `async`
/// block.
fn context(args: &Args, krate: &Krate) -> Option<TokenStream> {
    let Some(Value::Ident(name)) = args.get(&keys::CONTEXT).map(|given| &given.value) else {
        return None;
    };
    let binding = Ident::new(loops::CONTEXT, Span::mixed_site());
    Some(quote_spanned! {name.span()=>
        let #name: #krate::Context = #binding.bind();
    })
}

/// `let name = Clone::clone(&name);` for each `clone(...)` argument, at the top of each
/// attempt. A `mut` argument is cloned through `&mut`, which keeps its `mut` in use.
fn clones(args: &Args, sig: &syn::Signature) -> Vec<TokenStream> {
    let Some(Value::Names(names)) = args.get(&keys::CLONE).map(|given| &given.value) else {
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

/// The statements of a body, `{ statements }`, without the braces.
fn unbrace(body: TokenStream) -> TokenStream {
    let mut trees = body.clone().into_iter();
    match (trees.next(), trees.next()) {
        (Some(TokenTree::Group(group)), None) if group.delimiter() == Delimiter::Brace => {
            group.stream()
        }
        _ => body,
    }
}

/// The return type with each `impl Trait` replaced by `_`, so that it can annotate the body.
fn infer_impl_trait(mut ty: Type) -> (Type, bool) {
    /// Whether an `impl Trait` was replaced.
    struct Infer(bool);
    impl VisitMut for Infer {
        fn visit_type_mut(&mut self, ty: &mut Type) {
            if let Type::ImplTrait(impl_trait) = ty {
                self.0 = true;
                *ty = Type::Infer(syn::TypeInfer {
                    attrs: Vec::new(),
                    underscore_token: syn::Token![_](impl_trait.impl_token.span),
                });
            } else {
                syn::visit_mut::visit_type_mut(self, ty);
            }
        }
    }
    let mut infer = Infer(false);
    infer.visit_type_mut(&mut ty);
    (ty, infer.0)
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
                on_give_up = ON_GIVE_UP_MARK,
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
            ". on_give_up (ON_GIVE_UP_MARK)",
            "CRATE_MARK :: __private :: CallState :: blocking_timed (",
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
            with_policy.contains("let __retry_policy = POLICY_MARK ;"),
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
