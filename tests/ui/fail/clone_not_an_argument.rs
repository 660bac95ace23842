use retry_runtime::retry;

#[retry(clone(missing))]
fn f(name: String) -> Result<String, ()> {
    Ok(name)
}

#[retry(clone(name))]
fn g(name: &str) -> Result<usize, ()> {
    Ok(name.len())
}

struct S;

impl S {
    #[retry(clone(self))]
    fn h(self) -> Result<(), ()> {
        Ok(())
    }
}

fn main() {
    let _ = (f(String::new()), g(""), S.h());
}
