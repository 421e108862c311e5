"""A fully connected layer with optional batch normalization and dropout, and its backward pass.

Forward, for one layer l with input A[l−1] of shape (N, n_in):

    Z[l]  = A[l−1]·W[l] + b[l]                (N, n_out)
    Z̃[l]  = γ ⊙ (Z[l] − μ)/√(σ² + ε) + β      only with batch norm (then β replaces b)
    A[l]  = φ(Z̃[l])
    A[l] ← A[l] ⊙ M / (1 − p)                 only with dropout, only in training

Backward, given dA[l]:

    δ[l]     = dZ[l] = (dA[l] ⊙ M/(1 − p)) ⊙ φ'(Z̃[l]), then through batch norm
    dW[l]    = A[l−1]ᵀ·δ[l]                   (n_in, n_out)
    db[l]    = Σₙ δ[l]                        (n_out,)
    dA[l−1]  = δ[l]·W[l]ᵀ                     (N, n_in)

The parameter arrays (W, b, γ, β) and their gradients are views into the model's flat
buffers; the model assigns them. The 1/N of a mean loss is already inside the δ of the output.
"""

import numpy as np

BN_EPS = 1e-5
BN_MOMENTUM = 0.1


class BatchNorm:
    """Batch normalization over the batch axis, with torch's running statistics.

    Training:  μ, σ² are the batch mean and (biased) variance; the running estimates move as
    r ← (1 − 0.1)·r + 0.1·batch, with the unbiased variance (as torch.nn.BatchNorm1d).
    Evaluation: the running estimates replace μ and σ², a fixed affine map of Z.
    Backward:  dẐ = dY ⊙ γ,  dγ = Σ dY ⊙ Ẑ,  dβ = Σ dY, and
               dZ = (1/(N·√(σ²+ε))) · (N·dẐ − Σ dẐ − Ẑ ⊙ Σ(dẐ ⊙ Ẑ))   (training)
               dZ = dẐ / √(σ²+ε)                                       (evaluation)
    """

    def __init__(self, n, dtype):
        self.running_mean = np.zeros(n, dtype)
        self.running_var = np.ones(n, dtype)
        self.gamma = self.beta = self.dgamma = self.dbeta = None  # views set by the model

    def forward(self, Z, train=True):
        """Normalise by the batch's own statistics (train), or by the running ones."""
        if train:
            mu = Z.mean(axis=0)  # (n,)
            var = Z.var(axis=0)  # (n,)
            self.batch_stats = (mu, var, Z.shape[0])
        else:
            mu, var = self.running_mean, self.running_var
            self.batch_stats = None  # nothing to commit
        self.inv_std = 1.0 / np.sqrt(var + BN_EPS)  # (n,)
        self.Zhat = (Z - mu) * self.inv_std  # (N, n)
        return self.Zhat * self.gamma + self.beta

    def infer(self, Z, dtype):
        """Evaluation-mode output in `dtype`, caching nothing (for probes)."""
        inv_std = (1.0 / np.sqrt(self.running_var + BN_EPS)).astype(dtype)
        return ((Z - self.running_mean.astype(dtype)) * (inv_std * self.gamma.astype(dtype))
                + self.beta.astype(dtype))

    def eval_scale(self):
        """γ/√(σ² + ε) of the running σ²: evaluation mode is z̃ = (z − μ)·scale + β."""
        return (1.0 / np.sqrt(self.running_var + BN_EPS)) * self.gamma

    def commit(self):
        """Fold the last training batch's statistics into the running estimates.

        Kept apart from forward so that a step refused as divergent leaves them untouched.
        """
        mu, var, N = self.batch_stats
        self.running_mean *= 1.0 - BN_MOMENTUM
        self.running_mean += BN_MOMENTUM * mu
        self.running_var *= 1.0 - BN_MOMENTUM
        self.running_var += (BN_MOMENTUM * N / max(N - 1, 1)) * var

    def backward(self, dY):
        N = dY.shape[0]
        Zhat = self.Zhat
        (dY * Zhat).sum(axis=0, out=self.dgamma)
        dY.sum(axis=0, out=self.dbeta)
        dZhat = dY * self.gamma  # (N, n)
        if self.batch_stats is None:  # evaluation: μ and σ² are constants
            return dZhat * self.inv_std
        return (self.inv_std / N) * (
            N * dZhat - dZhat.sum(axis=0) - Zhat * (dZhat * Zhat).sum(axis=0)
        )


class Dense:
    """One layer: weights, an activation, and the options that apply to hidden layers."""

    def __init__(self, n_in, n_out, activation, bias=True, dropout=0.0, batch_norm=False,
                 dtype=np.float64):
        self.n_in, self.n_out = n_in, n_out
        self.activation = activation
        self.has_bias = bias and not batch_norm  # with batch norm, β is the bias
        self.dropout = dropout
        self.bn = BatchNorm(n_out, dtype) if batch_norm else None
        self.W = self.b = self.dW = self.db = None  # views set by the model
        self.mask = None

    def forward(self, A_prev, mask=None, train=True):
        """A[l] from A[l−1], caching what backward needs; `mask` is dropout's. train=False
        normalises by the running statistics (evaluation mode, as a trace of one point)."""
        Z = A_prev @ self.W  # (N, n_out)
        if self.b is not None:
            Z += self.b
        Zt = self.bn.forward(Z, train) if self.bn is not None else Z
        A = self.activation.forward(Zt)  # (N, n_out)
        self.A_prev, self.Z, self.Zt, self.A, self.mask = A_prev, Z, Zt, A, mask
        return A * mask if mask is not None else A

    def infer(self, A_prev, dtype=None):
        """(Z̃[l], A[l]) in evaluation mode, computed in `dtype`, caching nothing.

        Probes run many points through the network in float32 this way; W and b are cast,
        not the network.
        """
        W, b = self.W, self.b
        if dtype is not None and dtype != W.dtype:
            W = W.astype(dtype)
            b = None if b is None else b.astype(dtype)
        Z = A_prev @ W  # (N, n_out)
        if b is not None:
            Z += b
        if self.bn is not None:
            Z = self.bn.infer(Z, Z.dtype)
        return Z, self.activation.forward(Z)

    def eval_affine(self):
        """M (n_out, n_in + 1), float64: the layer's evaluation-mode pre-activation as one
        matrix on a column [a; 1], the bias and batch norm folded in:
        z̃ = (Wᵀa + b − μ)·s + β with s = γ/√(σ² + ε), so M = [s·Wᵀ | s·(b − μ) + β].
        Probes apply it to many points stored as columns (probes.PlaneProbe)."""
        M = np.empty((self.n_out, self.n_in + 1))
        M[:, :-1] = self.W.T
        M[:, -1] = 0.0 if self.b is None else self.b
        if self.bn is not None:
            M[:, -1] -= self.bn.running_mean
            M *= self.bn.eval_scale()[:, None]
            M[:, -1] += self.bn.beta
        return M

    def backward(self, dA, need_dA_prev=True):
        """dA[l−1] from dA[l]; fills dW, db (and dγ, dβ)."""
        if self.mask is not None:
            dA = dA * self.mask
        return self.backward_dZ(self.activation.backward(dA, self.Zt, self.A), need_dA_prev)

    def backward_dZ(self, dZt, need_dA_prev=True):
        """dA[l−1] from ∂L/∂Z̃[l] (the output layer's loss gives this directly)."""
        dZ = self.bn.backward(dZt) if self.bn is not None else dZt  # (N, n_out)
        self.dZt, self.dZ = dZt, dZ
        np.matmul(self.A_prev.T, dZ, out=self.dW)
        if self.db is not None:
            dZ.sum(axis=0, out=self.db)
        self.dA_prev = dZ @ self.W.T if need_dA_prev else None  # (N, n_in)
        return self.dA_prev
