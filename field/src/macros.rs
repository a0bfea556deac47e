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

/// `Sum` and `Product` as folds of the binary operators.
macro_rules! sum_product {
    ($t:ty) => {
        impl core::iter::Sum for $t {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(<$t as $crate::Field>::ZERO, |acc, x| acc + x)
            }
        }
        impl core::iter::Product for $t {
            fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(<$t as $crate::Field>::ONE, |acc, x| acc * x)
            }
        }
    };
}

pub(crate) use {assign_ops, sum_product};
