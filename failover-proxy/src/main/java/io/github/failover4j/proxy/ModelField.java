package io.github.failover4j.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;

/**
 * The top-level {@code "model"} of a JSON request body (SPEC §9), found with a streaming parser
 * (nothing else of the body is built as objects), and its replacement: the body is rewritten
 * byte for byte except the model's string value.
 *
 * @param model the model named
 * @param start the byte offset of the value's opening quote
 * @param end the byte offset just after its closing quote
 */
record ModelField(String model, int start, int end) {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  /** The body's top-level string {@code model}, or {@code null} (not a JSON object, none). */
  static ModelField find(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("model".equals(name) && value == JsonToken.VALUE_STRING) {
          long start = p.currentTokenLocation().getByteOffset();
          String model = p.getText();
          p.finishToken();
          long end = p.currentLocation().getByteOffset();
          if (start < 0 || end > body.length || end <= start || body[(int) start] != '"'
              || body[(int) end - 1] != '"') {
            return null; // offsets not as expected: do not guess
          }
          return new ModelField(model, (int) start, (int) end);
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null; // not JSON: routed by path prefix
    }
  }

  /** {@code body} with this field's value replaced by {@code newModel}, all else unchanged. */
  byte[] rewrite(byte[] body, String newModel) {
    byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(newModel);
    byte[] out = new byte[start + quoted.length + 2 + body.length - end];
    System.arraycopy(body, 0, out, 0, start);
    out[start] = '"';
    System.arraycopy(quoted, 0, out, start + 1, quoted.length);
    out[start + 1 + quoted.length] = '"';
    System.arraycopy(body, end, out, start + quoted.length + 2, body.length - end);
    return out;
  }
}
