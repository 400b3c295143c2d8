"""Messages as dicts that also allow attribute access."""


class Message(dict):
    """A message from Spectrum: msg["userName"] and msg.userName are the same. A field that is
    absent raises AttributeError (or KeyError); use msg.get("photo") where presence matters."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError("%s message has no field %r (fields: %s)"
                                 % (self.get("type", "?"), name, ", ".join(sorted(self)))) from None

    @property
    def type(self):
        return self["type"]
