"""Widgets: they show models and emit what the user asked for; they decide nothing themselves."""
