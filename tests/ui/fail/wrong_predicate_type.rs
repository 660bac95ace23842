use retry_runtime::retry;

// `when` receives `&E`, here `&String`: comparing it with an integer is a type error at the
// user's closure, not inside generated code.
#[retry(when = |e| *e == 5)]
fn f() -> Result<(), String> {
    Ok(())
}

fn main() {
    let _ = f();
}
