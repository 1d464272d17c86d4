/*
 * ward/client.h: what libward-client offers beyond the standard PSA client
 * API: where it looks for wardd, and the daemon's status report.
 */
#ifndef WARD_CLIENT_H
#define WARD_CLIENT_H

#include <stddef.h>

#include "psa/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The socket libward-client uses: $WARD_SOCKET if set, else
 * $XDG_RUNTIME_DIR/ward/ward.sock, else /run/ward/ward.sock. Writes at most
 * size bytes including the NUL; PSA_ERROR_BUFFER_TOO_SMALL if it does not
 * fit. */
psa_status_t ward_client_socket_path(char *buf, size_t size);

/* wardd's status as a JSON document (docs/wardd.md), in *json, which the
 * caller frees with free(). PSA_ERROR_COMMUNICATION_FAILURE if no daemon
 * answers. */
psa_status_t ward_client_status(char **json);

/* The same report as text for people. */
psa_status_t ward_client_status_text(char **text);

#ifdef __cplusplus
}
#endif

#endif /* WARD_CLIENT_H */
