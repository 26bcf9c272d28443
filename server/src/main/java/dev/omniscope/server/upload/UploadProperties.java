package dev.omniscope.server.upload;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits on uploads (docs/api.md, "Upload limits", says why these defaults).
 *
 * @param maxSize           the largest packed trace accepted (413 past it); default 2 GiB
 * @param maxExpandedSize   the most bytes a trace's compressed contents (event chunks and blobs) may
 *                          expand to; default 32 GiB
 * @param maxExpansionRatio the most those contents may expand relative to the upload's size; default 1000
 */
@ConfigurationProperties("omni.upload")
public record UploadProperties(DataSize maxSize, DataSize maxExpandedSize, Long maxExpansionRatio) {
    public UploadProperties {
        if (maxSize == null) maxSize = DataSize.ofGigabytes(2);
        if (maxExpandedSize == null) maxExpandedSize = DataSize.ofGigabytes(32);
        if (maxExpansionRatio == null) maxExpansionRatio = 1000L;
    }

    /** The expansion budget of an upload of {@code uploadBytes}. */
    public long expansionBudget(long uploadBytes) {
        long byRatio = uploadBytes > Long.MAX_VALUE / maxExpansionRatio ? Long.MAX_VALUE : uploadBytes * maxExpansionRatio;
        return Math.min(maxExpandedSize.toBytes(), byRatio);
    }
}
