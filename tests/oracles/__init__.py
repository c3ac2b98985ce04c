"""Reference implementations: slow, plain versions of guanxi's fast formulas, which the
tests check the library against. Nothing under ``guanxi/`` imports them."""
