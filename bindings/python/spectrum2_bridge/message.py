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


# Every field of proto/protocol.proto and of the bridge's own lines. Python reaches __getattr__ only
# after a failed lookup, which costs an exception each time; these names get a property instead,
# about four times faster. Any other key still works through __getattr__.
FIELDS = (
    "alias", "attachment", "blocked", "buddy", "buddyName", "carbon", "config", "description", "error",
    "extraFields", "flag", "fullname", "group", "headline", "iconHash", "id", "init_res", "legacyName",
    "message", "mimeType", "name", "newname", "nickname", "password", "payload", "photo", "pm", "res", "room",
    "settings", "shared", "status", "statusMessage", "timestamp", "type", "url", "user", "userName", "value",
    "version", "xhtml",
    # bridge.hello and bridge.error
    "backend_id", "config_path", "jid", "line", "line_number",
)


def _field(name):
    def get(self):
        try:
            return self[name]
        except KeyError:
            return self.__getattr__(name)  # the same error as for any other absent field

    get.__name__ = name
    return property(get)


for _name in FIELDS:
    if not hasattr(Message, _name):  # never hide a dict method
        setattr(Message, _name, _field(_name))
del _name
