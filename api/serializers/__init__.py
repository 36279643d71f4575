"""Serializers of the API: input shapes (`…In`) and output shapes, by subject."""
