/* tp_its_user.h: request types of the TP_ITS_USER test partition. */
#ifndef TP_ITS_USER_H
#define TP_ITS_USER_H

#define TP_ITS_USER_SET 1
#define TP_ITS_USER_GET 2

#endif
