//! Foreign owners are released exactly once, by whichever handle goes last,
//! on whichever thread that happens.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tensorbridge::{DType, Tensor};

mod common;

fn foreign(n: usize, drops: &Arc<AtomicUsize>) -> Tensor {
    common::counted_foreign((0..n).map(|x| x as f32).collect(), &[n as i64], &[1], false, drops)
}

#[test]
fn views_keep_the_owner_alive_in_any_order() {
    for order in 0..3 {
        let drops = Arc::new(AtomicUsize::new(0));
        let t = foreign(8, &drops);
        let v = t.slice(0, None, None, -3).unwrap();
        let c = v.to_contiguous().unwrap();
        match order {
            0 => {
                drop(t);
                assert_eq!(v.to_vec::<f32>().unwrap(), vec![7., 4., 1.]);
                drop(v);
            }
            1 => {
                drop(v);
                drop(t);
            }
            _ => {
                let v2 = v.clone();
                drop(v);
                drop(t);
                assert_eq!(v2.numel(), 3);
                drop(v2);
            }
        }
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert_eq!(c.to_vec::<f32>().unwrap(), vec![7., 4., 1.]);
    }
}

#[test]
fn last_drop_on_another_thread_releases_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let t = foreign(1024, &drops);
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let v = t.slice(0, Some(i), None, 4).unwrap();
            std::thread::spawn(move || v.to_vec::<f32>().unwrap().len())
        })
        .collect();
    drop(t);
    for h in handles {
        assert_eq!(h.join().unwrap(), 256);
    }
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn copies_do_not_hold_the_owner() {
    let drops = Arc::new(AtomicUsize::new(0));
    let t = foreign(4, &drops);
    let c = t.to_dtype(DType::Float64).unwrap();
    drop(t);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    assert_eq!(c.to_vec::<f64>().unwrap(), vec![0., 1., 2., 3.]);
}
