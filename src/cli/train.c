/* digitpad train: the article's Keras program, in C. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "augment.h"
#include "cli.h"
#include "clock.h"
#include "dataset.h"
#include "flags.h"
#include "format.h"
#include "mlp.h"
#include "model_file.h"
#include "model_load.h"
#include "novelty.h"
#include "paths.h"
#include "train.h"

static double now_s(void)
{
    return dp_clock_seconds();
}

/* The model summary Keras prints, for any stack of dense layers. */
static void print_summary(FILE *f, const mlp *net)
{
    char num[32];
    const char *rule = "_________________________________________________________________\n";
    fputs("Model: \"sequential\"\n", f);
    fputs(rule, f);
    fprintf(f, " %-28s%-26s%s\n", "Layer (type)", "Output Shape", "Param #");
    fputs("=================================================================\n", f);
    char shape[64];
    snprintf(shape, sizeof shape, "(None, %zu)", net->sizes[0]);
    fprintf(f, " %-28s%-26s%s\n", "flatten (Flatten)", shape, "0");
    size_t total = 0;
    for (size_t l = 0; l < net->n_layers; l++) {
        char name[40];
        if (l == 0)
            snprintf(name, sizeof name, "dense (Dense)");
        else
            snprintf(name, sizeof name, "dense_%zu (Dense)", l);
        snprintf(shape, sizeof shape, "(None, %zu)", net->sizes[l + 1]);
        size_t p = net->sizes[l] * net->sizes[l + 1] + net->sizes[l + 1];
        total += p;
        format_thousands(num, sizeof num, p);
        fprintf(f, " %-28s%-26s%s\n", name, shape, num);
    }
    fputs("=================================================================\n", f);
    format_thousands(num, sizeof num, total);
    fprintf(f, "Total params: %s\nTrainable params: %s\nNon-trainable params: 0\n", num, num);
    fputs(rule, f);
}

static void progress_bar(size_t step, size_t total, double elapsed, double loss, double acc)
{
    const int width = 30;
    int filled = (int)((double)width * (double)step / (double)total);
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '=' : (i == filled ? '>' : '.');
    bar[width] = '\0';
    double eta = step ? elapsed / (double)step * (double)(total - step) : 0.0;
    printf("\r%5zu/%zu [%s] - ETA: %3.0fs - loss: %.4f - accuracy: %.4f", step, total, bar, eta,
           loss, acc);
    fflush(stdout);
}

/* A whole configuration, named (README, "Distortions and recipes"). */
typedef struct recipe {
    const char *name;
    size_t hidden[MLP_MAX_LAYERS], n_hidden;
    size_t epochs, batch;
    double lr, lr_decay; // the learning rate of epoch e (from 0) is lr * lr_decay^e
    size_t average_last; // the saved weights: the mean of the last this many epochs' (0: the last)
    size_t clean_last;   // the last this many epochs on the stored images, undistorted
    bool affine, elastic;
    float rotate_deg, scale, shear, translate; // affine ranges (augment.h)
    float sigma, alpha;                        // elastic
} recipe;

static const recipe recipes[] = {
    // The article's Keras program: today's defaults.
    {"article", {128}, 1, 5, 32, 0.001, 1.0, 0, 0, false, false, 10, 0.1f, 0.2f, 2, 4, 34},
    // Simard, Steinkraus & Platt 2003's 784-800-10 with elastic distortions
    // (their sigma 4, alpha 34) and mild affine ones, trained with Adam,
    // its learning rate decayed by 7 % each epoch, the last 4 epochs on the
    // stored images (README: 0.9936 in 5 minutes under load).
    {"simard", {800}, 1, 40, 64, 0.001, 0.93, 0, 4, true, true, 5, 0.05f, 0.1f, 1, 4, 34},
};

static const recipe *find_recipe(const char *name)
{
    for (size_t i = 0; i < sizeof recipes / sizeof recipes[0]; i++)
        if (!strcmp(recipes[i].name, name))
            return &recipes[i];
    return NULL;
}

/* Appends src's images and labels to dst (same image size). */
static bool append_dataset(dataset *dst, const dataset *src, dp_error *err)
{
    if (src->rows != dst->rows || src->cols != dst->cols)
        return dp_fail(err, "its %zux%zu images are not MNIST's %zux%zu", src->rows, src->cols,
                       dst->rows, dst->cols);
    size_t px = dst->rows * dst->cols, n = dst->count + src->count;
    uint8_t *images = realloc(dst->images, n * px);
    if (!images)
        return dp_fail(err, "out of memory for %zu images", n);
    dst->images = images;
    uint8_t *labels = realloc(dst->labels, n);
    if (!labels)
        return dp_fail(err, "out of memory for %zu images", n);
    dst->labels = labels;
    memcpy(dst->images + dst->count * px, src->images, src->count * px);
    memcpy(dst->labels + dst->count, src->labels, src->count);
    dst->count = n;
    return true;
}

/* Writes the training record a run leaves in its model file: the one the
 * check before the first epoch tries and the one the save writes. The
 * decimals the run was asked for, not their float roundings. */
static void record_training(model_meta *m, const train_config *cfg, int first_epoch,
                            size_t epochs)
{
    m->has_training = true;
    snprintf(m->dataset, sizeof m->dataset, "mnist");
    m->epochs = first_epoch + (int)epochs;
    m->batch_size = cfg->batch;
    m->seed = cfg->seed;
    m->learning_rate = cfg->lr;
    m->beta_1 = cfg->beta_1;
    m->beta_2 = cfg->beta_2;
    m->epsilon = cfg->epsilon;
}

int cli_train(int argc, char **argv)
{
    double t_start = now_s();
    const char *data_dir = NULL, *model_path = NULL, *out_path = "model.json", *also_dir = NULL;
    size_t hidden[MLP_MAX_LAYERS] = {128}, n_hidden = 1;
    size_t epochs = 5, limit = 0;
    train_config cfg = train_config_default();
    double lr_decay = 1.0;
    size_t average_last = 0, clean_last = 0;
    mlp_activation act = MLP_ACT_RELU;
    bool quiet = false, act_given = false, not_a_digit = false;
    dp_error err;
    // A recipe first, wherever it is given: the other flags then change it.
    const recipe *rec = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (flags_opt(argc, argv, &i, "--recipe", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            rec = find_recipe(v);
            if (!rec) {
                cli_error("--recipe", "unknown recipe '%s' (article, simard)", v);
                return 2;
            }
        }
    }
    if (rec) {
        memcpy(hidden, rec->hidden, sizeof hidden);
        n_hidden = rec->n_hidden;
        epochs = rec->epochs;
        cfg.batch = rec->batch;
        cfg.lr = rec->lr;
        lr_decay = rec->lr_decay;
        average_last = rec->average_last;
        clean_last = rec->clean_last;
        cfg.augment = augment_config_default(rec->affine, rec->elastic);
        cfg.augment.rotate_deg = rec->rotate_deg;
        cfg.augment.scale = rec->scale;
        cfg.augment.shear = rec->shear;
        cfg.augment.translate = rec->translate;
        cfg.augment.sigma = rec->sigma;
        cfg.augment.alpha = rec->alpha;
    }
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (flags_opt(argc, argv, &i, "--recipe", &v, &err)) {
            continue; // applied above
        } else if (flags_opt(argc, argv, &i, "--augment", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            bool affine = !strcmp(v, "affine") || !strcmp(v, "both");
            bool elastic = !strcmp(v, "elastic") || !strcmp(v, "both");
            if (!affine && !elastic && strcmp(v, "none")) {
                cli_error("--augment", "'%s' is not affine, elastic, both or none", v);
                return 2;
            }
            cfg.augment.affine = affine;
            cfg.augment.elastic = elastic;
        } else if (flags_opt(argc, argv, &i, "--lr-decay", &v, &err)) {
            if (!flags_parse_float("--lr-decay", v, 0.01, 1.0, &lr_decay, &err))
                return cli_fail(&err);
        } else if (flags_opt(argc, argv, &i, "--average-last", &v, &err)) {
            if (!flags_parse_size("--average-last", v, 0, 1000000, &average_last, &err))
                return cli_fail(&err);
        } else if (flags_opt(argc, argv, &i, "--clean-last", &v, &err)) {
            if (!flags_parse_size("--clean-last", v, 0, 1000000, &clean_last, &err))
                return cli_fail(&err);
        } else if (flags_opt(argc, argv, &i, "--also", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            also_dir = v;
        } else if (flags_opt(argc, argv, &i, "--data", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            data_dir = v;
        } else if (flags_opt(argc, argv, &i, "--model", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            model_path = v;
        } else if (flags_opt(argc, argv, &i, "--out", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            if (!v[0]) {
                cli_error("--out", "empty file name");
                return 2;
            }
            out_path = v;
        } else if (flags_opt(argc, argv, &i, "--layers", &v, &err)) {
            if (!flags_parse_layers("--layers", v, hidden, MLP_MAX_LAYERS - 1, &n_hidden, &err))
                return cli_fail(&err);
        } else if (flags_opt(argc, argv, &i, "--epochs", &v, &err)) {
            if (!flags_parse_size("--epochs", v, 0, 1000, &epochs, &err))
                return cli_fail(&err);
        } else if (flags_opt(argc, argv, &i, "--batch", &v, &err)) {
            if (!flags_parse_size("--batch", v, 1, 65536, &cfg.batch, &err))
                return cli_fail(&err);
        } else if (flags_opt(argc, argv, &i, "--limit", &v, &err)) {
            if (!flags_parse_size("--limit", v, 1, 100000000, &limit, &err))
                return cli_fail(&err);
        } else if (flags_opt(argc, argv, &i, "--lr", &v, &err)) {
            if (!flags_parse_float("--lr", v, 1e-9, 10.0, &cfg.lr, &err))
                return cli_fail(&err);
        } else if (flags_opt(argc, argv, &i, "--activation", &v, &err)) {
            if (!v)
                return cli_fail(&err);
            if (!mlp_activation_from_name(v, &act) || !mlp_activation_is_hidden(act)) {
                cli_error("--activation", "'%s' is not relu, linear, sigmoid or tanh", v);
                return 2;
            }
            act_given = true;
        } else if (flags_opt(argc, argv, &i, "--seed", &v, &err)) {
            if (!flags_parse_seed("--seed", v, &cfg.seed, &err))
                return cli_fail(&err);
        } else if (!strcmp(argv[i], "--not-a-digit")) {
            not_a_digit = true;
        } else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            quiet = true;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            puts("usage: digitpad train [--recipe article|simard] [--data DIR] [--also DIR]\n"
                 "                      [--model FILE] [--layers 128] [--epochs 5] [--batch 32]\n"
                 "                      [--lr 0.001] [--lr-decay 1] [--augment affine|elastic|both]\n"
                 "                      [--average-last N] [--clean-last N]\n"
                 "                      [--seed 1] [--limit N] [--out model.json]\n"
                 "                      [--activation relu|linear|sigmoid|tanh] [--not-a-digit]\n"
                 "\n"
                 "  --recipe NAME  a whole configuration: article (the defaults) or simard\n"
                 "                 (784-800-10, elastic and mild affine distortions, 40 epochs\n"
                 "                 at batch 64, lr 0.001 x 0.93 each epoch, the last 4\n"
                 "                 undistorted); flags given with it change it\n"
                 "  --data DIR     MNIST folder (default: $DIGITPAD_DATA, ./data/mnist,\n"
                 "                 $XDG_DATA_HOME/digitpad/mnist)\n"
                 "  --also DIR     train on that folder's train-images/train-labels IDX files too\n"
                 "  --augment KIND distort each training image as its batch is made: affine\n"
                 "                 (rotation, scale, shear, shift), elastic (sigma 4, alpha 34),\n"
                 "                 both, or none\n"
                 "  --lr-decay X   multiply the learning rate by X after every epoch\n"
                 "  --average-last N  save the mean of the weights at the ends of the last N\n"
                 "                 epochs (0: the last epoch's weights)\n"
                 "  --clean-last N train the last N epochs on the stored images, undistorted\n"
                 "  --model FILE   start from this model's architecture and weights\n"
                 "  --layers LIST  hidden layer widths, e.g. 128 or 256,128,64\n"
                 "  --activation A the hidden layers' activation: relu (default), linear,\n"
                 "                 sigmoid or tanh\n"
                 "  --epochs N     passes over the training set (0: load and save only)\n"
                 "  --batch N      samples per Adam step\n"
                 "  --lr X         Adam's learning rate\n"
                 "  --seed N       initialisation and shuffling seed\n"
                 "  --limit N      train on the first N training samples only\n"
                 "  --out FILE     where to save the model\n"
                 "  --not-a-digit  fit the not-a-digit detector on MNIST and save it with the\n"
                 "                 model (a few seconds; with --epochs 0, adds it to --model)\n"
                 "  -q, --quiet    only the final figures");
            return 0;
        } else {
            cli_error(argv[i], "unknown option for train (try digitpad train --help)");
            return 2;
        }
    }
    const char *blas = mlp_blas_threads(1);

    // The network: from --model, or fresh with Glorot weights.
    mlp net;
    model_meta meta;
    char used[PATHS_MAX];
    if (model_path && act_given) {
        cli_error("--activation", "applies to a fresh network; --model %s brings its own", model_path);
        return 2;
    }
    if (model_path) {
        if (!model_load(model_path, NULL, &net, &meta, used, sizeof used, &err)) {
            cli_fail(&err);
            return 1;
        }
        model_path = used;
    } else {
        size_t sizes[MLP_MAX_LAYERS + 1];
        sizes[0] = 784;
        for (size_t l = 0; l < n_hidden; l++)
            sizes[l + 1] = hidden[l];
        sizes[n_hidden + 1] = 10;
        if (!mlp_init(&net, sizes, n_hidden + 2, &err)) {
            cli_error("--layers", "%s", err.msg);
            return 2;
        }
        mlp_set_hidden_activation(&net, act, NULL); // a hidden one: checked above
        mlp_init_glorot(&net, cfg.seed);
        if (!model_meta_default(&meta, 28, 28, 10, &err)) {
            cli_error(NULL, "%s", err.msg);
            mlp_destroy(&net);
            return 1;
        }
    }

    int status = 1;
    double *weight_sum = NULL; // --average-last's sums
    mnist data;
    memset(&data, 0, sizeof data);
    train_session sess;
    memset(&sess, 0, sizeof sess);
    int first_epoch = meta.has_training ? meta.epochs : 0;
    // A model saved part way into an epoch (issue 11): training it finishes
    // that epoch first, so the epochs it records stay whole.
    bool part_epoch = epochs > 0 && meta.has_training && meta.has_progress;
    model_progress part = meta.progress;
    bool trained_before = meta.has_training && (meta.n_history > 0 || meta.has_progress);
    if (epochs > 0)
        meta.has_progress = false;
    // Whatever would make the save fail after training fails now: the place
    // (its folder exists and takes a new file) and the record (epochs, seed,
    // batch, learning rate within what a model file holds).
    if (!dp_check_atomic_write(out_path, &err)) {
        cli_error(out_path, "%s", err.msg);
        goto out;
    }
    if (epochs > 0) {
        model_meta after;
        if (!model_meta_copy(&after, &meta, &err)) {
            cli_error(NULL, "%s", err.msg);
            goto out;
        }
        record_training(&after, &cfg, first_epoch, epochs);
        bool fits = model_file_check(&net, &after, &err);
        model_meta_destroy(&after);
        if (!fits) {
            cli_error(out_path, "the trained model could not be saved: %s", err.msg);
            goto out;
        }
    }
    // The model's own input scale, in training as in evaluation (1/255 unless it says).
    cfg.input_scale = meta.scale;
    eval_options val_opt = {.input_scale = meta.scale};
    if (epochs > 0 || not_a_digit) {
        char dir[PATHS_MAX];
        if (!paths_find_mnist(data_dir, NULL, dir, sizeof dir, &err) ||
            !dataset_load_mnist(dir, &data, &err)) {
            cli_error(NULL, "%s", err.msg);
            goto out;
        }
        if (data.train.rows * data.train.cols != net.sizes[0]) {
            cli_error(model_path, "the model takes %zu inputs but the images are %zux%zu",
                      net.sizes[0], data.train.rows, data.train.cols);
            goto out;
        }
        if (limit && limit < data.train.count)
            dataset_truncate(&data.train, limit);
        if (also_dir) {
            dataset extra;
            if (!dataset_load(also_dir, "train", &extra, &err)) {
                cli_error(NULL, "%s", err.msg);
                goto out;
            }
            bool added = append_dataset(&data.train, &extra, &err);
            size_t n_extra = extra.count;
            dataset_destroy(&extra);
            if (!added) {
                cli_error(also_dir, "%s", err.msg);
                goto out;
            }
            if (!quiet)
                printf("Added %zu training samples from %s\n", n_extra, also_dir);
        }
        // Checked before training, so that no epochs are spent on a run
        // whose detector cannot be fitted.
        if (not_a_digit && data.train.count < NOVELTY_MIN_TRAIN) {
            cli_error("--not-a-digit", "%zu training images are too few to fit the not-a-digit "
                      "detector (at least %d)", data.train.count, NOVELTY_MIN_TRAIN);
            goto out;
        }
        if (!quiet && epochs > 0) {
            print_summary(stdout, &net);
            printf("Training on %zu samples from %s, validating on %zu; batch %zu, Adam lr %g, "
                   "seed %llu, %s\n",
                   data.train.count, data.dir, data.test.count, cfg.batch, (double)cfg.lr,
                   (unsigned long long)cfg.seed, blas);
            if (rec)
                printf("Recipe: %s\n", rec->name);
            if (lr_decay != 1.0)
                printf("Learning rate x %g after every epoch\n", lr_decay);
            const augment_config *a = &cfg.augment;
            if (a->affine)
                printf("Distortions: affine (rotation +-%g deg, scale +-%g, shear +-%g, shift "
                       "+-%g px)\n",
                       (double)a->rotate_deg, (double)a->scale, (double)a->shear,
                       (double)a->translate);
            if (a->elastic)
                printf("Distortions: elastic (sigma %g, alpha %g; a bank of %zu fields, one "
                       "redrawn every %zu images)\n",
                       (double)a->sigma, (double)a->alpha, a->field_bank, a->field_refresh);
        }
        if (epochs > 0 && !train_session_init(&sess, &net, &data.train, &cfg, &err)) {
            cli_error(model_path, "%s", err.msg);
            goto out;
        }
        if (part_epoch) {
            train_position pos;
            train_position_from_progress(&part, &pos);
            bool exact = false;
            if (train_session_resume(&sess, &pos, &exact)) {
                if (!quiet)
                    printf("Going on with epoch %d: the %zu samples left of %zu%s\n", part.epoch,
                           part.samples_per_epoch - part.samples_done, part.samples_per_epoch,
                           exact ? ", in the order it began with" : ", from a fresh shuffle");
            } else if (!quiet) {
                printf("Epoch %d begins again (the model was saved %zu samples into it)\n",
                       part.epoch, part.samples_done);
            }
        }
    }

    bool tty = isatty(STDOUT_FILENO) && !quiet;
    double t_total = 0.0;
    // --average-last: the weights at the ends of the last epochs, summed in
    // double (the same bits on every CPU), from epoch average_from on.
    size_t n_average = average_last < epochs ? average_last : epochs;
    size_t average_from = epochs - n_average;
    if (n_average > 1) {
        weight_sum = calloc(net.n_params, sizeof *weight_sum);
        if (!weight_sum) {
            cli_error("--average-last", "out of memory for %zu weights", net.n_params);
            goto out;
        }
    }
    for (size_t e = 0; e < epochs; e++) {
        sess.cfg.lr = cfg.lr * pow(lr_decay, (double)e); // exactly cfg.lr without a decay
        if (clean_last && e + clean_last == epochs && sess.feed) {
            train_session_stop_distortions(&sess);
            if (!quiet)
                printf("From epoch %zu on: the stored images, undistorted\n", e + 1);
        }
        if (!quiet)
            printf("Epoch %zu/%zu", e + 1, epochs);
        if (tty)
            printf("\n");
        fflush(stdout);
        double t0 = now_s(), last_draw = 0.0;
        bool done = false;
        while (!done) {
            train_session_step(&sess, &done);
            if (tty) {
                double t = now_s() - t0;
                if (done || t - last_draw > 0.1) {
                    progress_bar(done ? sess.steps_per_epoch : sess.step, sess.steps_per_epoch, t,
                                 train_session_loss(&sess), train_session_accuracy(&sess));
                    last_draw = t;
                }
            }
        }
        double secs = now_s() - t0;
        t_total += secs;
        if (weight_sum && e >= average_from)
            for (size_t p = 0; p < net.n_params; p++)
                weight_sum[p] += (double)net.params[p];
        eval_result val;
        if (!evaluate_with(&net, &data.test, &val_opt, &val, &err)) {
            cli_error(NULL, "%s", err.msg);
            goto out;
        }
        model_epoch me = {
            .epoch = first_epoch + (int)e + 1,
            .loss = train_session_loss(&sess),
            .accuracy = train_session_accuracy(&sess),
            .val_loss = val.loss,
            .val_accuracy = val.accuracy,
        };
        if (!model_meta_add_epoch(&meta, &me, &err)) {
            cli_error(NULL, "%s", err.msg);
            goto out;
        }
        if (tty)
            printf("\r%5zu/%zu - %.1fs - loss: %.4f - accuracy: %.4f - val_loss: %.4f - "
                   "val_accuracy: %.4f%20s\n",
                   sess.steps_per_epoch, sess.steps_per_epoch, secs, me.loss, me.accuracy,
                   me.val_loss, me.val_accuracy, "");
        else if (!quiet)
            printf(" - %.1fs - loss: %.4f - accuracy: %.4f - val_loss: %.4f - val_accuracy: %.4f\n",
                   secs, me.loss, me.accuracy, me.val_loss, me.val_accuracy);
        fflush(stdout);
    }
    if (epochs > 0) {
        const model_epoch *last = &meta.history[meta.n_history - 1];
        double val_accuracy = last->val_accuracy, val_loss = last->val_loss;
        if (weight_sum) {
            for (size_t p = 0; p < net.n_params; p++)
                net.params[p] = (float)(weight_sum[p] / (double)n_average);
            eval_result val;
            if (!evaluate_with(&net, &data.test, &val_opt, &val, &err)) {
                cli_error(NULL, "%s", err.msg);
                goto out;
            }
            val_accuracy = val.accuracy;
            val_loss = val.loss;
            if (!quiet)
                printf("The mean of the weights after epochs %zu to %zu - val_loss: %.4f - "
                       "val_accuracy: %.4f\n",
                       (size_t)first_epoch + average_from + 1, (size_t)first_epoch + epochs, val_loss,
                       val_accuracy);
        }
        if (trained_before) { // trained before at other settings: the schedule keeps both
            model_setting at = {.epoch = first_epoch + 1,
                                .samples_done = part_epoch ? part.samples_done : 0,
                                .learning_rate = cfg.lr, .batch_size = cfg.batch};
            model_meta_note_setting(&meta, &at, meta.learning_rate, meta.batch_size, NULL);
        }
        record_training(&meta, &cfg, first_epoch, epochs);
        printf("Trained %zu epoch%s in %.2fs (%.0f samples/s); test accuracy: %.4f, test loss: "
               "%.4f\n",
               epochs, epochs == 1 ? "" : "s", t_total, (double)(epochs * data.train.count) / t_total, val_accuracy,
               val_loss);
        if (!quiet)
            printf("Wall time %.1fs (loading, training and evaluating)\n", now_s() - t_start);
    }
    if (not_a_digit) {
        // Fitted on the training digits this run was given (--limit's slice,
        // if any), every sixth held out for the threshold; the test set is
        // only measured.
        novelty nv;
        novelty_options nopt = {.input_scale = meta.scale};
        double t0 = now_s();
        if (!novelty_fit(&nv, &net, &data.train, &data.test, &nopt, &err)) {
            cli_error("--not-a-digit", "%s", err.msg);
            goto out;
        }
        double fit_s = now_s() - t0;
        if (!quiet)
            printf("Not-a-digit detector fitted in %.2fs: %.1f%% of the held-out training "
                   "digits and %.1f%% of the test digits above its threshold\n",
                   fit_s, 100.0 * nv.held_out_flagged, 100.0 * nv.test_flagged);
        if (!model_meta_set_not_a_digit(&meta, &nv, &err)) {
            novelty_destroy(&nv);
            cli_error(NULL, "%s", err.msg);
            goto out;
        }
    }
    char note[256];
    if (!model_file_save_noted(out_path, &net, &meta, note, sizeof note, &err)) {
        // The checks above passed, so the disk filled up or the place changed
        // during training: the work is kept in the user's models folder.
        char fallback[PATHS_MAX];
        dp_error why = err, ferr;
        if ((epochs > 0 || not_a_digit) &&
            paths_new_model_path(NULL, fallback, sizeof fallback, &ferr) &&
            model_file_save(fallback, &net, &meta, &ferr)) {
            cli_error(out_path, "%s; the trained model is saved as %s instead", why.msg, fallback);
        } else if (epochs > 0 || not_a_digit) {
            cli_error(out_path, "%s; nor could it be saved in the models folder: %s", why.msg,
                      ferr.msg);
        } else {
            cli_error(out_path, "%s", why.msg);
        }
        goto out;
    }
    if (note[0])
        cli_error(out_path, "saved, but %s", note);
    if (!quiet)
        printf("Saved %s\n", out_path);
    status = 0;
out:
    free(weight_sum);
    train_session_destroy(&sess);
    mnist_destroy(&data);
    model_meta_destroy(&meta);
    mlp_destroy(&net);
    return status;
}
