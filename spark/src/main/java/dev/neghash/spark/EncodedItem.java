package dev.neghash.spark;

import java.io.Serial;
import java.io.Serializable;

/**
 * One encoded row.
 *
 * @param id item id
 * @param label label (meaningful when {@code labelled})
 * @param labelled whether the row has a label
 * @param anchor whether the row is searched for
 * @param candidate whether the row is searched among
 * @param code packed code, {@code bits / 64} words
 */
record EncodedItem(long id, long label, boolean labelled, boolean anchor, boolean candidate, long[] code)
    implements Serializable {

  @Serial private static final long serialVersionUID = 1L;
}
