package dev.omniscope.server.web;

import java.util.Map;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;

import dev.omniscope.common.OmniVersion;
import dev.omniscope.server.auth.Caller;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The OpenAPI description (JSON at {@code /api/docs/openapi.json}, the page at {@code /api/docs}).
 * The problem responses are added here, from the rules every endpoint follows, rather than
 * repeated on each method.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {
    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    @Bean
    OpenAPI omniscopeOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Omniscope").version(OmniVersion.version())
                        .description("Upload traces, follow their indexing, bookmark and share moments. Errors are RFC 9457 "
                                + "problem details (application/problem+json). With authentication configured, every endpoint "
                                + "but /api/health and these documents needs HTTP Basic or a Bearer token, or a share token "
                                + "(?share= or X-Omni-Share) for reading the one trace it was made for."))
                .components(new Components()
                        .addSecuritySchemes("basic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic"))
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer"))
                        .addSecuritySchemes("share", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-Omni-Share")));
    }

    @Bean
    OpenApiCustomizer problemResponses() {
        return api -> {
            Map<String, Schema> problem = ModelConverters.getInstance().read(ProblemDetail.class);
            problem.forEach(api.getComponents()::addSchemas);
            if (api.getPaths() == null) return;
            api.getPaths().forEach((path, item) -> {
                for (Map.Entry<PathItem.HttpMethod, Operation> e : item.readOperationsMap().entrySet()) {
                    Operation op = e.getValue();
                    String method = e.getKey().name();
                    boolean onTrace = path.contains("{id}");
                    if (path.equals("/api/health")) {
                        add(op, "503", "the database does not answer (the body is the same document, status DOWN)");
                        continue;
                    }
                    op.addSecurityItem(new SecurityRequirement().addList("basic"));
                    op.addSecurityItem(new SecurityRequirement().addList("bearer"));
                    if (onTrace && method.equals("GET") && !path.endsWith("/shares")) op.addSecurityItem(new SecurityRequirement().addList("share"));
                    add(op, "401", "no credentials, or invalid ones (only when authentication is configured)");
                    add(op, "503", "the database is short of a resource other than disk (SQLState class 53); type insufficient-resources, Retry-After");
                    add(op, "507", "the server's disk is full; type storage-full (traces already indexed still answer)");
                    if (onTrace) add(op, "404", "no such trace, or one the caller may not see (the two are not told apart)");
                    if (onTrace && !method.equals("GET")) add(op, "403", "the caller reads this trace through a share link and may not change it");
                    if (path.endsWith("/shares/{shareId}")) add(op, "404", "no such trace or share link");
                    if (method.equals("POST") || (path.equals("/api/traces") && method.equals("GET"))) {
                        add(op, "400", "a bad parameter or body; the detail says which");
                    }
                    if (path.equals("/api/traces") && method.equals("POST")) {
                        add(op, "400", "no part named 'file', or more than one");
                        add(op, "413", "larger than omni.upload.max-size");
                        add(op, "415", "not multipart/form-data");
                        add(op, "422", "not a valid trace: not a packed trace, truncated, damaged, an unsafe entry "
                                + "(absolute path, '..', link, device), or contents that expand past the limits; the problem's "
                                + "type ends in not-a-trace, truncated, damaged, unsafe-entry or decompression-bomb");
                    }
                }
            });
        };
    }

    private static void add(Operation op, String status, String description) {
        if (op.getResponses() == null) return;
        ApiResponse existing = op.getResponses().get(status);
        if (existing != null) {
            existing.setDescription(existing.getDescription() + "; " + description);
            return;
        }
        op.getResponses().addApiResponse(status, new ApiResponse().description(description)
                .content(new Content().addMediaType("application/problem+json",
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/ProblemDetail")))));
    }
}
