"""Presets: one-click configurations from the classic tutorials, each with what it shows.

Each preset is a full Config (fields not named take nncore's defaults) plus a title and a
short explanation for the page. `speed` (steps per second, None for max) paces it. `sweeps`
suggests sweeps from it (app/sweeps.py): each a title, what to vary and for how many epochs;
the page's Sweep tab offers them once the preset is loaded.
"""

PLAYGROUND = {"dataset": "circle", "hidden_layers": [4, 2], "activation": "tanh",
              "learning_rate": 0.03, "batch_size": 10, "train_ratio": 0.5, "noise": 0.0}

# The A–Z tutorial's MNIST network: 784-128-64-10, relu, softmax with cross-entropy, Adam.
MNIST = {"dataset": "mnist", "hidden_layers": [128, 64], "activation": "relu",
         "output_activation": "softmax", "loss": "cross_entropy", "init": "he",
         "optimizer": "adam", "learning_rate": 0.001, "batch_size": 128}

# The digits preset's network, 64-32-10: relu, softmax with cross-entropy (the exercise's start).
DIGITS = {"dataset": "digits", "hidden_layers": [32], "activation": "relu",
          "output_activation": "softmax", "loss": "cross_entropy", "learning_rate": 0.1,
          "batch_size": 32, "train_ratio": 0.7}

PRESETS = {
    "playground": {
        "title": "TensorFlow Playground's default",
        "text": "The circle, a 2-4-2-1 tanh network, learning rate 0.03, batch 10, half the "
                "points for training: where the Playground starts.",
        "config": PLAYGROUND,
    },
    "classic_tutorial": {
        "title": "The classic from-scratch tutorial",
        "text": "The 4-row table with 3 inputs, a 3-4-1 sigmoid network without biases, "
                "weights from U[0, 1), sum of squared errors, learning rate 1, full batch. "
                "After 1500 iterations the predictions read close to 0, 1, 1, 0.",
        "config": {"dataset": "tutorial", "hidden_layers": [4], "activation": "sigmoid",
                   "output_activation": "sigmoid", "loss": "sse", "init": "uniform",
                   "bias": False, "learning_rate": 1.0, "batch_size": 4, "train_ratio": 1.0},
        "speed": 100.0,
    },
    "xor_two_hidden": {
        "title": "XOR with two hidden neurons",
        "text": "2-2-1 sigmoid with biases, normal initialisation, mean squared error, learning "
                "rate 0.1. Seed 0 solves XOR; seed 2 gets stuck with two inputs at 0.5: a local "
                "minimum.",
        "config": {"dataset": "xor_table", "hidden_layers": [2], "activation": "sigmoid",
                   "output_activation": "sigmoid", "loss": "mse", "init": "normal",
                   "bias": True, "learning_rate": 0.1, "batch_size": 4, "train_ratio": 1.0},
    },
    "perceptron_separable": {
        "title": "A perceptron on separable data",
        "text": "One threshold unit and Rosenblatt's rule (w ← w + η(y − ŷ)x, one point at a "
                "time). Two Gaussian clusters are linearly separable: it finds a line and stops "
                "making mistakes.",
        "config": {"dataset": "gaussian", "hidden_layers": [], "output_activation": "step",
                   "loss": "perceptron", "init": "zeros", "batch_size": 1,
                   "learning_rate": 1.0},
        "speed": 50.0,
    },
    "perceptron_xor": {
        "title": "The same perceptron on XOR",
        "text": "No line separates XOR's classes, so the perceptron never settles: its line "
                "keeps jumping and the accuracy stays near chance. This is why we need hidden "
                "layers.",
        "config": {"dataset": "xor", "hidden_layers": [], "output_activation": "step",
                   "loss": "perceptron", "init": "zeros", "batch_size": 1,
                   "learning_rate": 1.0},
        "speed": 50.0,
    },
    "vanishing_gradients": {
        "title": "Deep sigmoid network: vanishing gradients",
        "text": "Six sigmoid layers. Each layer multiplies the gradient by σ' ≤ 0.25, so the "
                "first layer's gradient is a tiny fraction of the last one's: watch the "
                "gradient-norm chart. Switch the activation to relu to see the difference.",
        "config": {"dataset": "circle", "hidden_layers": [8, 8, 8, 8, 8, 8],
                   "activation": "sigmoid", "init": "xavier", "learning_rate": 0.03},
    },
    "dead_relus": {
        "title": "Dead ReLUs from a learning rate too high",
        "text": "A relu network with learning rate 1: large updates push many units to z < 0 "
                "for every input, where relu passes no gradient, and they never recover. "
                "The dead-unit chart counts them.",
        "config": {"dataset": "spiral", "hidden_layers": [8, 8, 8], "activation": "relu",
                   "init": "he", "learning_rate": 1.0},
    },
    "mse_vs_cross_entropy": {
        "title": "Squared error vs cross-entropy",
        "text": "The same classifier trained with cross-entropy and with squared error: "
                "cross-entropy's gradient (ŷ − y) does not vanish when a sigmoid output is "
                "confidently wrong, so it learns faster.",
        "config": {**PLAYGROUND, "dataset": "xor", "output_activation": "sigmoid",
                   "loss": "bce"},
        "compare": {"loss": "mse"},
    },
    "spiral_depth": {
        "title": "Spiral: depth or features",
        "text": "A 2-4-2-1 network cannot separate the spiral. Give it more layers and neurons, "
                "or add sin(x₁) and sin(x₂) as inputs.",
        "config": {"dataset": "spiral", "hidden_layers": [8, 8, 8, 8], "activation": "tanh",
                   "features": ["x1", "x2", "sinx1", "sinx2"], "learning_rate": 0.03},
    },
    "digits": {
        "title": "Handwritten digits",
        "text": "8×8 images of digits, 64 inputs, relu and softmax over 10 classes. The first "
                "layer's weights are drawn as 8×8 images; the confusion matrix shows which "
                "digits it mixes up.",
        "config": DIGITS,
    },
    "mnist": {
        "title": "MNIST: 784-128-64-10",
        "text": "The from-scratch tutorials' exercise: 28×28 digits, 60,000 to train on and "
                "10,000 to test, through 784-128-64-10 with relu and a softmax output, Adam "
                "with learning rate 0.001, batches of 128. Test accuracy passes 95% within the "
                "first epoch (about 470 steps). Now vary it and compare the curves: one hidden "
                "layer or three, 32 neurons or 128, learning rate 0.01 or 0.0001, sigmoid "
                "instead of relu.",
        "config": MNIST,
    },
    "sweep_exercise": {
        "title": "The A–Z exercise: vary the network, compare the curves",
        "text": "The tutorial's exercise on the 8×8 digits: train 64-32-10 (relu, softmax with "
                "cross-entropy), then vary the layers and their neurons, the learning rate and "
                "the activation, and compare the learning curves. The Sweep tab has both sweeps "
                "ready: press Start. Deeper is not always better in 20 epochs, and a sigmoid "
                "network needs a larger learning rate to learn as fast.",
        "config": DIGITS,
        "sweeps": [
            {"title": "layers and neurons × learning rate",
             "vary": {"hidden_layers": [[32], [64, 32], [128, 64, 32]],
                      "learning_rate": [0.01, 0.1, 0.3]}, "epochs": 20},
            {"title": "activation × learning rate",
             "vary": {"activation": ["relu", "tanh", "sigmoid"],
                      "learning_rate": [0.01, 0.1, 0.3]}, "epochs": 20},
        ],
    },
    "sweep_exercise_mnist": {
        "title": "The A–Z exercise on MNIST",
        "text": "The same exercise on MNIST's 28×28 digits with the tutorial's 784-128-64-10 "
                "(Adam, batches of 128): vary the layers and neurons, the learning rate and the "
                "activation, two epochs a run. Each epoch is 470 steps over 60,000 images: "
                "a sweep takes minutes, in turn here or in parallel on workers.",
        "config": MNIST,
        "sweeps": [
            {"title": "layers and neurons × learning rate",
             "vary": {"hidden_layers": [[32], [128, 64], [128, 64, 32]],
                      "learning_rate": [0.0001, 0.001, 0.01]}, "epochs": 2},
            {"title": "activation × learning rate",
             "vary": {"activation": ["relu", "tanh", "sigmoid"],
                      "learning_rate": [0.0001, 0.001, 0.01]}, "epochs": 2},
        ],
    },
    "fashion_mnist": {
        "title": "Fashion-MNIST: the same network on clothes",
        "text": "The same 784-128-64-10 network on 28×28 photos of clothes in 10 kinds. They "
                "are harder to tell apart than digits: test accuracy reaches about 85% in the "
                "first epoch and about 88% after ten, where MNIST passes 97%. The confusion "
                "matrix shows which kinds it mixes up (shirts, T-shirts, pullovers, coats). "
                "Try the changes you tried on MNIST: do they help here too?",
        "config": {**MNIST, "dataset": "fashion_mnist"},
    },
}
