//! Operator boilerplate shared by the field types.

/// `AddAssign`, `SubAssign` and `MulAssign` with right-hand side `$rhs`, from the binary ops.
macro_rules! assign_ops {
    ($t:ty, $rhs:ty) => {
        impl core::ops::AddAssign<$rhs> for $t {
            #[inline]
            fn add_assign(&mut self, rhs: $rhs) {
                *self = *self + rhs;
            }
        }
        impl core::ops::SubAssign<$rhs> for $t {
            #[inline]
            fn sub_assign(&mut self, rhs: $rhs) {
                *self = *self - rhs;
            }
        }
        impl core::ops::MulAssign<$rhs> for $t {
            #[inline]
            fn mul_assign(&mut self, rhs: $rhs) {
                *self = *self * rhs;
            }
        }
    };
}

pub(crate) use assign_ops;
