# Reference values for tests/core/test_logistic_diagnostics.py (R 4.2.2, pROC 1.18):
#   cd tests/data/r && Rscript logistic_diagnostics.R > logistic_diagnostics.json
suppressMessages(library(pROC))
# arm's binned.resids (arm is not installed here): the same algorithm, written out.
binned.resids <- function (x, y, nclass=sqrt(length(x))){
  breaks.index <- floor(length(x)*(1:(nclass-1))/nclass)
  if(any(breaks.index==0)) nclass <- 1
  x.sort <- sort(x); breaks <- -Inf
  if(nclass > 1){ for (i in 1:(nclass-1)){
      x.lo <- x.sort[breaks.index[i]]; x.hi <- x.sort[breaks.index[i]+1]
      if (x.lo==x.hi){ if (x.lo==min(x)){ x.lo <- -Inf } else { x.lo <- max(x[x<x.lo]) } }
      breaks <- c(breaks, (x.lo + x.hi)/2) } }
  breaks <- unique(c(breaks, Inf)); nclass <- length(breaks) - 1
  output <- NULL; x.binned <- as.numeric(cut(x, breaks))
  for (i in 1:nclass){ items <- (1:length(x))[x.binned==i]
    x.range <- range(x[items]); xbar <- mean(x[items]); ybar <- mean(y[items]); n <- length(items)
    sdev <- if(length(y[items]) > 1) sd(y[items]) else 0
    output <- rbind(output, c(xbar, ybar, n, x.range, 2*sdev/sqrt(n))) }
  colnames(output) <- c("xbar", "ybar", "n", "x.lo", "x.hi", "2se"); output }
ctl <- glm.control(epsilon = 1e-15, maxit = 100)
mtcars <- read.csv("mtcars.csv"); infert <- read.csv("infert.csv")
models <- list(am = glm(am ~ wt + hp, family = binomial, data = mtcars, control = ctl),
               vs = glm(vs ~ mpg, family = binomial, data = mtcars, control = ctl),
               infert = glm(case ~ age + parity + spontaneous + induced, family = binomial, data = infert, control = ctl))
# glm's working weights (so hatvalues, rstandard, cooks.distance) are those of the iterate
# before the last: 5e-7 relative off on am ~ wt + hp even at epsilon = 1e-15. One more IRLS
# pass started at the converged coefficients puts them at the optimum.
models <- lapply(models, function(fm) update(fm, start = coef(fm)))
out <- list()
for (nm in names(models)) { fm <- models[[nm]]; p <- fitted(fm); y <- fm$y; n <- length(y)
  nclass <- if (n >= 100) floor(sqrt(n)) else if (n > 10) floor(n/10) else floor(n/2)
  b <- binned.resids(p, y - p, nclass)
  r <- roc(y, p, direction = "<", quiet = TRUE)
  g <- 10; qq <- unique(quantile(p, probs = seq(0, 1, 1/g)))
  cutp <- cut(p, breaks = qq, include.lowest = TRUE)
  out[[nm]] <- list(
    fitted = unname(p), hat = unname(hatvalues(fm)), cook = unname(cooks.distance(fm)),
    rstandard = unname(rstandard(fm)), pearson = unname(residuals(fm, "pearson")),
    deviance = unname(residuals(fm, "deviance")),
    flagged = unname(which(cooks.distance(fm) > 4 / n)) - 1L,  # 0-based rows
    nclass = nclass, binned = lapply(as.data.frame(b), unname),
    auc = as.numeric(auc(r)), fpr = rev(1 - r$specificities), tpr = rev(r$sensitivities),
    hl_count = as.numeric(table(cutp)), hl_observed = unname(as.numeric(tapply(y, cutp, sum))),
    hl_expected = unname(as.numeric(tapply(p, cutp, sum))))
}
cat(jsonlite::toJSON(out, digits = I(15), auto_unbox = TRUE, pretty = FALSE))
