use retry_runtime::retry;

trait Service {
    #[retry(max = 3)]
    fn call(&self) -> Result<(), ()>;
}

fn main() {}
