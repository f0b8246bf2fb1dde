"""Evaluation, apart from the product: TimeML reading and writing, the TempEval-3 scorer of the date
resolver, and SemEval-2015 Task 4 (entity timelines). Only the CLI imports this package, lazily;
no product module does."""
